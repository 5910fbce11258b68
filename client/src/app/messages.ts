/**
 * What the app says when a user's action is refused or cannot be saved: one
 * table, keyed by the error's code. The domain and the storage return codes
 * (their `message` is for logs); the words the user reads are all here, so
 * they are written once, read together, and could be said in another language.
 *
 * A few entries take the error's message: a schedule's errors say which field
 * is wrong, and an import's say what in the file does not fit.
 */
import type { DomainError, DomainErrorCode } from '../domain';
import type { StorageError, StorageErrorCode } from '../storage';
import type { Outcome } from './types';

/** An expected failure of an action, as the domain or the storage returns it. */
export type ActionError = DomainError | StorageError;

type Words = string | ((message: string) => string);

const WORDS: { readonly [C in DomainErrorCode | StorageErrorCode]: Words } = {
  // The domain's refusals: the user can put them right.
  'empty-profile-name': 'Please enter a name.',
  'bad-time-zone': 'Please choose a timezone from the list.',
  'empty-category-name': 'A category needs a name.',
  'bad-colour': 'Pick a colour.',
  'nothing-to-restore': 'That category is no longer there to restore.',
  'empty-habit-name': 'A habit needs a name.',
  'bad-cron': (m) => `Schedule: ${m}`,
  'cron-never-fires': (m) => `Schedule: ${m}`,
  'bad-target': 'The target must be a number above zero.',
  'unknown-habit': 'That habit no longer exists.',
  'bad-date': 'That is not a day on the calendar.',
  'bad-status': 'A check-in is done, skipped or still to do.',
  'bad-value': 'The value must be a number, zero or more.',
  'empty-title': 'A task needs a title.',
  'bad-json': (m) => `This file cannot be imported: ${m}`,
  'bad-import': (m) => `This file cannot be imported: ${m}`,
  // The storage: nothing was saved.
  quota: 'This device is out of storage space; nothing was saved.',
  locked: 'Cairn is open in another tab; close it and try again.',
  closed: 'Storage is closed; reload the app.',
  unavailable: (m) => `Could not save: ${m}`,
  corrupt: (m) => `Could not save: ${m}`,
  exists: (m) => `Could not save: ${m}`,
  blocked: (m) => `Could not save: ${m}`,
  io: (m) => `Could not save: ${m}`,
};

/** The user's words for an expected failure. */
export function say(error: ActionError): string {
  const words = WORDS[error.code];
  return typeof words === 'string' ? words : words(error.message);
}

const OK: Outcome = { ok: true };

/** An action's result as the UI shows it: done, or why not in the user's words. */
export function outcome(result: { ok: true } | { ok: false; error: ActionError }): Outcome {
  return result.ok ? OK : { ok: false, message: say(result.error) };
}
