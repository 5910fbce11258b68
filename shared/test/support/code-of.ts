import { CairnError } from '../../src/index.js';

/** The code of the `CairnError` that `f` throws, or undefined if it returns; other throws are bugs. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CairnError) return e.code;
    throw e;
  }
  return undefined;
}
