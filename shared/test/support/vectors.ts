/**
 * Locates the public test-vector folder that sits beside the checkout
 * (`../shared/vectors`, see DESIGN §6) and reads its JSON in place. Nothing is
 * copied into the repository; when the folder is absent the suites that need
 * it are skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const vectorsDir = path.resolve(repoRoot, '..', 'shared', 'vectors');

export const hasVectors = (relative: string): boolean =>
  existsSync(path.join(vectorsDir, relative));

export const readVectorText = (relative: string): string =>
  readFileSync(path.join(vectorsDir, relative), 'utf8');

/** Reads `relative` under the vectors folder and validates it against `schema`. */
export function readVectors<S extends v.GenericSchema>(
  relative: string,
  schema: S,
): v.InferOutput<S> {
  const raw: unknown = JSON.parse(readVectorText(relative));
  return v.parse(schema, raw);
}

/** Lower-case hex of any length, including empty. */
export const Hex = v.pipe(v.string(), v.regex(/^(?:[0-9a-f]{2})*$/));
