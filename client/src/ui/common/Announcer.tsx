import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Outcome } from '../../app/types';

/** A button in the message, such as "Undo". */
export interface MessageAction {
  label: string;
  run: () => void;
}

interface Message {
  text: string;
  tone: 'info' | 'error';
  seq: number;
  action?: MessageAction;
}

interface Announcer {
  say(text: string, tone?: 'info' | 'error', action?: MessageAction): void;
  /** Announces a failed outcome; says `success` (if given, with its action) otherwise. */
  report(outcome: Outcome, success?: string, action?: MessageAction): boolean;
}

const AnnouncerContext = createContext<Announcer>({ say: () => undefined, report: (o) => o.ok });

/** One polite live region for the results of user actions ("Saved", or what went wrong). */
export function AnnouncerProvider(props: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const say = useCallback(
    (text: string, tone: 'info' | 'error' = 'info', action?: MessageAction) => {
      setMessage((m) => ({
        text,
        tone,
        seq: (m?.seq ?? 0) + 1,
        ...(action === undefined ? {} : { action }),
      }));
    },
    [],
  );
  const report = useCallback(
    (outcome: Outcome, success?: string, action?: MessageAction) => {
      if (!outcome.ok) say(outcome.message, 'error');
      else if (success !== undefined) say(success, 'info', action);
      return outcome.ok;
    },
    [say],
  );
  const value = useMemo(() => ({ say, report }), [say, report]);
  return (
    <AnnouncerContext.Provider value={value}>
      {props.children}
      <div className="announcer" aria-live="polite" role="status">
        {message !== null && (
          <p
            key={message.seq}
            className={`toast toast-${message.tone}${message.action ? ' toast-action' : ''}`}
          >
            <span className="toast-text">{message.text}</span>
            {message.action !== undefined && (
              <button
                type="button"
                // Right after the action it undoes: keyboard users land on it.
                autoFocus
                className="toast-undo"
                onClick={() => {
                  const run = message.action?.run;
                  setMessage(null);
                  run?.();
                }}
              >
                {message.action.label}
              </button>
            )}
            <button type="button" className="link" onClick={() => setMessage(null)}>
              <span className="visually-hidden">Dismiss message</span>
              <span aria-hidden="true">×</span>
            </button>
          </p>
        )}
      </div>
    </AnnouncerContext.Provider>
  );
}

export function useAnnouncer(): Announcer {
  return useContext(AnnouncerContext);
}
