/**
 * NOTIFY payloads between relay processes on one Postgres (channel `cairn_relay`):
 *
 *   {"k":"e","i":instance,"a":account,"s":streamId,"r":[[from,to,deviceId],…]}  committed events
 *   {"k":"r","i":instance,"a":account,"d":deviceId}                              device revoked
 *
 * Ids and seq ranges only, never ciphertext: a receiving process reads the
 * events itself. `i` lets a process skip its own notices (it fanned out already).
 */
import * as v from 'valibot';
import type { StoreNotice } from './types.js';

const Seq = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const EventsNotice = v.object({
  k: v.literal('e'),
  i: v.string(),
  a: v.string(),
  s: v.string(),
  r: v.array(v.tuple([Seq, Seq, v.string()])),
});
const RevokeNotice = v.object({ k: v.literal('r'), i: v.string(), a: v.string(), d: v.string() });
export const NoticePayload = v.variant('k', [EventsNotice, RevokeNotice]);
export type NoticePayload = v.InferOutput<typeof NoticePayload>;

/** The notice, or undefined when it is ours or malformed. */
export function parseNotice(payload: string, self: string): StoreNotice | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(NoticePayload, json);
  if (!parsed.success || parsed.output.i === self) return undefined;
  const n = parsed.output;
  if (n.k === 'r') return { kind: 'revoked', accountId: n.a, deviceId: n.d };
  return {
    kind: 'events',
    accountId: n.a,
    streamId: n.s,
    runs: n.r.map(([from, to, deviceId]) => ({ from, to, deviceId })),
  };
}
