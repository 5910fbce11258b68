/** Bounded waiting: every loop in the benchmarks ends, by count or by time. */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Polls `done` every `everyMs` until it holds; throws after `timeoutMs`, naming `what`. */
export async function waitUntil(
  done: () => boolean,
  timeoutMs: number,
  what: string,
  everyMs = 1,
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

/** A promise with its resolver, for events counted elsewhere. */
export function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Runs `fn` with a time limit; rejects with a message naming `what`. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}
