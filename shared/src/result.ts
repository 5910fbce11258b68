/**
 * The project's one `Result` shape: an expected failure is a value, never an
 * exception. This module imports nothing, so the domain and the client's
 * lib/ take it as `@cairn/shared/result` without the crypto core.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
