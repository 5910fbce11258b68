import { useModel } from '../model-context';
import { useAnnouncer } from '../common/Announcer';

/** While printing, this class on <body> hides everything but the sheet (recovery.css). */
const PRINTING = 'printing-phrase';

/**
 * The new phrase, numbered and large, shown once: it lives in this screen's
 * memory only, and is gone when setup ends.
 */
export function PhraseSheet(props: {
  words: readonly string[];
  onContinue: () => void;
  onCancel: () => void;
}) {
  const { say } = useAnnouncer();
  const { shell } = useModel();
  const { words } = props;

  async function copy() {
    if (shell !== undefined && (await shell.copy(words.join(' ')))) {
      say('The 12 words are on the clipboard. Paste them somewhere safe, then clear it.');
    } else {
      say('Copying is not allowed here: write the words down instead.', 'error');
    }
  }

  return (
    <div className="stack phrase-print">
      <h3 id="phrase-title">Your recovery phrase</h3>
      <p>
        Write these 12 words down, in this order, and keep them somewhere safe and offline. With
        them you can get everything back on a new device if you lose all of yours; anyone else who
        has them can too. Cairn will not show them again.
      </p>
      <ol className="phrase-sheet" aria-labelledby="phrase-title" data-testid="recovery-phrase">
        {words.map((w, i) => (
          <li key={i}>{w}</li>
        ))}
      </ol>
      <div className="row no-print">
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        {shell !== undefined && (
          <button type="button" onClick={() => shell.print(PRINTING)}>
            Print
          </button>
        )}
      </div>
      <div className="row no-print">
        <button type="button" className="primary" onClick={props.onContinue}>
          I have written them down
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
