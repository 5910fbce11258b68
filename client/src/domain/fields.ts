/**
 * Helpers for writing into Automerge drafts. Writing a value equal to the
 * current one still costs an operation (and a change to sync), so writers
 * compare first with `differs`. Optional fields are deleted, never set to
 * undefined (Automerge cannot store undefined).
 */
import * as A from '@automerge/automerge';
import { str } from './documents';

export const imm = (v: string): A.ImmutableString => new A.ImmutableString(v);

/** True when the stored string is not `value`. */
export function differs(
  stored: A.ImmutableString | string | null | undefined,
  value: string,
): boolean {
  return stored === null || stored === undefined || str(stored) !== value;
}

export function assertFiniteNonNegative(label: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${label} must be a finite number ≥ 0`);
}

export function assertNonEmpty(label: string, value: string): void {
  if (value.trim() === '') throw new Error(`${label} must not be empty`);
}
