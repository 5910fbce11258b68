/**
 * Messages between the main thread (`OpfsLogStorage`) and the OPFS worker.
 *
 * Request:  { id, op, ...args }          id: a positive integer, unique per request
 * Response: { id, ok: true, value }      value's shape depends on the op
 *         | { id, ok: false, error }     an expected failure: { code, message }
 *         | { id, bug }                  the worker threw: a defect, raised as an Error
 *
 * Ops: open {directory} · list · read {name} · append {name, bytes} ·
 * truncate {name, length} · replace {name, bytes} · remove {name} · usage · close.
 * Both sides parse what they receive with these schemas.
 */
import * as v from 'valibot';

const id = v.pipe(v.number(), v.integer(), v.minValue(1));
const name = v.string();
const bytes = v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'expected a Uint8Array');

export const OpfsRequest = v.variant('op', [
  v.object({ id, op: v.literal('open'), directory: v.string() }),
  v.object({ id, op: v.literal('list') }),
  v.object({ id, op: v.literal('read'), name }),
  v.object({ id, op: v.literal('append'), name, bytes }),
  v.object({
    id,
    op: v.literal('truncate'),
    name,
    length: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  v.object({ id, op: v.literal('replace'), name, bytes }),
  v.object({ id, op: v.literal('remove'), name }),
  v.object({ id, op: v.literal('usage') }),
  v.object({ id, op: v.literal('close') }),
]);
export type OpfsRequest = v.InferOutput<typeof OpfsRequest>;

/** A request as the caller writes it: the id is added by the proxy. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
export type OpfsCall = WithoutId<OpfsRequest>;

export const StorageErrorSchema = v.object({
  code: v.picklist([
    'quota',
    'locked',
    'unavailable',
    'closed',
    'corrupt',
    'exists',
    'blocked',
    'io',
  ]),
  message: v.string(),
});

export const OpfsResponse = v.union([
  v.object({ id, ok: v.literal(true), value: v.unknown() }),
  v.object({ id, ok: v.literal(false), error: StorageErrorSchema }),
  v.object({ id, bug: v.string() }),
]);
export type OpfsResponse = v.InferOutput<typeof OpfsResponse>;

/** The shape of `value` in a successful response, per op. */
export const OpfsValues = {
  open: v.null(),
  list: v.array(v.string()),
  read: bytes,
  append: v.pipe(v.number(), v.integer(), v.minValue(0)),
  truncate: v.null(),
  replace: v.null(),
  remove: v.null(),
  usage: v.object({
    files: v.pipe(v.number(), v.integer(), v.minValue(0)),
    bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  close: v.null(),
} as const;
