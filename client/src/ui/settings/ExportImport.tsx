import { useState } from 'react';
import { useModel } from '../model-context';
import type { ImportPreview } from '../../app/types';
import { useAnnouncer } from '../common/Announcer';

const CSV_FILES = ['cairn-check-ins.csv', 'cairn-habits.csv', 'cairn-one-offs.csv'];

function csvName(name: string, stamp: string): string {
  return name.replace(/\.csv$/, `-${stamp}.csv`);
}

/** "cairn-check-ins.csv" → "Export check-ins (CSV)". */
function csvLabel(name: string): string {
  const what = name
    .replace(/^cairn-/, '')
    .replace(/\.csv$/, '')
    .replace(/-/g, ' ');
  return `Export ${what.replace('check ins', 'check-ins').replace('one offs', 'one-offs')} (CSV)`;
}

export function ExportImport() {
  const model = useModel();
  const { report } = useAnnouncer();
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stamp = model.today();

  async function choose(file: File | undefined) {
    setPreview(null);
    setError(null);
    if (file === undefined) return;
    const result = model.previewImport(await file.text());
    if ('error' in result) setError(result.error);
    else setPreview(result);
  }

  async function apply(p: ImportPreview) {
    if (report(await p.apply(), 'Import applied')) setPreview(null);
  }

  return (
    <section className="card stack" aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p className="muted">
        Exports are plain text, readable by you and any spreadsheet. Keep them somewhere safe.
      </p>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            model.shell?.download(`cairn-${stamp}.json`, 'application/json', model.exportJson())
          }
        >
          Export JSON
        </button>
        {CSV_FILES.map((name) => (
          <button
            key={name}
            type="button"
            onClick={() => {
              // Built on demand: the check-ins table reads every day of every habit.
              const file = model.exportCsv().find((f) => f.name === name);
              if (file)
                model.shell?.download(csvName(name, stamp), 'text/csv;charset=utf-8', file.text);
            }}
          >
            {csvLabel(name)}
          </button>
        ))}
      </div>
      <div className="field">
        <label htmlFor="import-file">Import a JSON export</label>
        <input
          id="import-file"
          type="file"
          accept="application/json,.json"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {preview !== null && (
        <div className="import-preview" role="region" aria-label="Import preview">
          {preview.warnings.map((w) => (
            <p key={w} className="import-warning" role="alert">
              {w}
            </p>
          ))}
          <h3>This import will:</h3>
          {preview.summary.length === 0 ? (
            <p>Change nothing: everything in the file is already here.</p>
          ) : (
            <ul>
              {preview.summary.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          <div className="row">
            <button type="button" className="primary" onClick={() => void apply(preview)}>
              Apply import
            </button>
            <button type="button" onClick={() => setPreview(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
