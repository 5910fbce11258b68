// Types of eslint.floors.js, for the test that lints probes against it.
import type { Linter } from 'eslint';

export interface KnownViolation {
  /** A file that breaks the floor plan today, relative to the repository root. */
  readonly file: string;
  /** The rules turned off for that file only. */
  readonly rules: readonly string[];
  /** What removes the violation. */
  readonly until: string;
}

export const BROWSER_GLOBALS: readonly string[];
export const BROWSER_IO_ALLOWED: readonly string[];
export const KNOWN_VIOLATIONS: readonly KnownViolation[];
declare const floors: Linter.Config[];
export default floors;
