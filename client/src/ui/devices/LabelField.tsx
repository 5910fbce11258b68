import './devices.css';

/**
 * A device name as the user types it: the relay's limit shown as a counter
 * ("12 / 64"), and the reason a name cannot be used shown under the field.
 * The field never cuts what is typed (no `maxLength`): a name over the limit
 * stays as typed, the counter turns red and saving is refused with the reason.
 */
export function LabelField(props: {
  id: string;
  label: string;
  value: string;
  limit: number;
  /** Why the name cannot be used, or undefined. */
  problem: string | undefined;
  /** Show the problem now (after a submit, or once over the limit). */
  showProblem: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  onChange: (value: string) => void;
  onEscape?: () => void;
}) {
  const length = props.value.trim().length;
  const over = length > props.limit;
  const shown = props.showProblem || over ? props.problem : undefined;
  const counterId = `${props.id}-count`;
  const errorId = `${props.id}-error`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        value={props.value}
        required
        autoComplete="off"
        spellCheck={false}
        disabled={props.disabled}
        // Focus moves here when the user asks to rename: nothing else is taken from them.
        autoFocus={props.autoFocus}
        aria-invalid={shown !== undefined}
        aria-describedby={shown === undefined ? counterId : `${counterId} ${errorId}`}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && props.onEscape !== undefined) {
            e.preventDefault();
            props.onEscape();
          }
        }}
      />
      <span
        id={counterId}
        className={over ? 'label-count label-count-over small' : 'label-count muted small'}
      >
        {length} / {props.limit} characters
      </span>
      {shown !== undefined && (
        <span id={errorId} className="error small" role="alert">
          {shown}
        </span>
      )}
    </div>
  );
}
