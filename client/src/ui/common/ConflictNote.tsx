import { useModel } from '../model-context';
import type { ConflictTarget, ConflictView } from '../../app/types';
import { useAnnouncer } from './Announcer';
import { dayWords } from './format';

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/**
 * A quiet line where this device's edit lost to a later one made on another device:
 * "Value and note changed on Phone at 09:14 · yours: 8, “on the train”", with the
 * choice to restore this device's values or keep the other's (either clears it).
 */
export function ConflictNote(props: {
  conflict: ConflictView;
  target: ConflictTarget;
  what: string;
}) {
  const model = useModel();
  const { report } = useAnnouncer();
  const { conflict } = props;
  const fields = list(conflict.fields);
  const when = dayWords(conflict.day, model.today());
  return (
    <div
      className="conflict-note"
      role="note"
      aria-label={`Changed on another device: ${props.what}`}
    >
      <p>
        {fields.charAt(0).toUpperCase() + fields.slice(1)} changed on {conflict.by}
        {when === '' ? '' : ` ${when}`} at {conflict.at} · yours: {conflict.yours}
      </p>
      <div className="row">
        <button
          type="button"
          className="link small"
          aria-label={`Restore yours: ${props.what}`}
          onClick={() =>
            void model.restoreMine(props.target).then((r) => report(r, 'Restored your edit'))
          }
        >
          Restore yours
        </button>
        <button
          type="button"
          className="link small"
          aria-label={`Keep the change: ${props.what}`}
          onClick={() => void model.keepTheirs(props.target).then((r) => report(r))}
        >
          Keep
        </button>
      </div>
    </div>
  );
}
