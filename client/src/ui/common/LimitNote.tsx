import { useId, type ReactNode } from 'react';
import { limitState } from './limit';

export interface Limit {
  /** Within the limit: the form may be saved. */
  readonly ok: boolean;
  /** Spread on the field: describes it by the counter, marks it invalid past the limit. */
  readonly field: { 'aria-describedby': string; 'aria-invalid': boolean };
  /** The counter (and the error past the limit), to place right under the field. */
  readonly note: ReactNode;
}

/** The counter of a limited text field (see limit.ts): "n / max", an error past it. */
export function useLimit(value: string, max: number): Limit {
  const id = useId();
  const state = limitState(value.length, max);
  return {
    ok: state.over === 0,
    field: { 'aria-describedby': id, 'aria-invalid': state.over > 0 },
    note: (
      <>
        <p id={id} className={state.over > 0 ? 'limit limit-over' : 'limit'}>
          {state.over > 0 && <span className="limit-error">{state.error}</span>}
          <span className="limit-count" aria-hidden="true">
            {state.count}
          </span>
          <span className="visually-hidden">{state.spoken}</span>
        </p>
        <span className="visually-hidden" role="status">
          {state.announce}
        </span>
      </>
    ),
  };
}
