/**
 * Test ends of a pairing over real sockets: a `PairingSocket` that records
 * every frame the relay sends (validated against the protocol's schemas), and
 * helpers that run the real pairing core of @cairn/shared on either side.
 */
import {
  PAIRING_LOOKUP_PATH,
  PAIRING_PROTOCOL_VERSION,
  PAIRING_WS_PATH,
  acceptPairingOffer,
  buildPairingAuth,
  createPairingOffer,
  decodePairOffer,
  decodePairingServerFrame,
  encodePairOffer,
  encodePairResponse,
  pairingLookupKey,
  toBase64,
  type CreatedOffer,
  type JoinerWaiting,
  type PairResponse,
  type PairingDevice,
  type PairingServerFrame,
} from '@cairn/shared';
import { WebSocket } from 'ws';
import type { Identity } from '../../../testkit/src/identities.js';

export interface PairingSocket {
  ws: WebSocket;
  hello: Extract<PairingServerFrame, { type: 'pairing-hello' }>;
  /** The next frame (after the hello), waiting up to `ms`. */
  next(ms?: number): Promise<PairingServerFrame>;
  /** Resolves with no frame within `ms` (for "nothing was forwarded here"). */
  quiet(ms: number): Promise<void>;
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function openPairing(base: string): Promise<PairingSocket> {
  const ws = new WebSocket(new URL(PAIRING_WS_PATH, base.replace(/^http/, 'ws')));
  const frames: PairingServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    const decoded = decodePairingServerFrame(data.toString());
    if (!decoded.ok) throw new Error(`relay sent an invalid frame: ${decoded.error.message}`);
    frames.push(decoded.value);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const next = (ms = 10_000): Promise<PairingServerFrame> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame in time')), ms);
      const check = (): void => {
        const f = frames.shift();
        if (f !== undefined) {
          clearTimeout(timer);
          resolve(f);
        } else waiters.push(check);
      };
      check();
    });
  const hello = await next();
  if (hello.type !== 'pairing-hello') throw new Error(`expected pairing-hello, got ${hello.type}`);
  return {
    ws,
    hello,
    next,
    async quiet(ms) {
      await new Promise((r) => setTimeout(r, ms));
      if (frames.length > 0) throw new Error(`unexpected frame ${JSON.stringify(frames[0])}`);
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
    closed,
  };
}

/** Opens A's socket and authenticates `d` on it. */
export async function offerorSocket(base: string, d: Identity): Promise<PairingSocket> {
  const s = await openPairing(base);
  s.send(buildPairingAuth(d.signing.secretKey, s.hello.challenge, d.accountId, d.deviceId));
  const ready = await s.next();
  if (ready.type !== 'pairing-ready') throw new Error(`auth refused: ${JSON.stringify(ready)}`);
  return s;
}

/** A fresh offer, opened on an authenticated socket. */
export async function openOffer(
  s: PairingSocket,
  ttlMs = 600_000,
): Promise<{ created: CreatedOffer; expiresAt: number }> {
  const created = createPairingOffer({ now: Date.now() });
  s.send({
    type: 'pairing-open',
    lookupKey: toBase64(created.lookupKey),
    offer: encodePairOffer(created.offer),
    ttlMs,
  });
  const opened = await s.next();
  if (opened.type !== 'pairing-opened') throw new Error(`not opened: ${JSON.stringify(opened)}`);
  return { created, expiresAt: opened.expiresAt };
}

export function lookup(base: string, lookupKey: string, body: object = {}): Promise<Response> {
  return fetch(new URL(PAIRING_LOOKUP_PATH, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ v: PAIRING_PROTOCOL_VERSION, lookupKey, ...body }),
  });
}

export const lookupKeyOf = (code: string): string => toBase64(pairingLookupKey(code));

/** B: looks the offer up by code, answers it, and joins; returns B's socket and state. */
export async function join(
  base: string,
  code: string,
  device: PairingDevice,
): Promise<{ socket: PairingSocket; state: JoinerWaiting; response: PairResponse }> {
  const found = await lookup(base, lookupKeyOf(code));
  if (found.status !== 200) throw new Error(`lookup answered ${found.status}`);
  const body = (await found.json()) as { offer: unknown };
  const offer = decodePairOffer(body.offer);
  if (!offer.ok) throw offer.error;
  const accepted = acceptPairingOffer(offer.value, { code }, device);
  if (!accepted.ok) throw accepted.error;
  const socket = await openPairing(base);
  socket.send({
    type: 'pairing-join',
    v: PAIRING_PROTOCOL_VERSION,
    lookupKey: lookupKeyOf(code),
    response: encodePairResponse(accepted.value.response),
  });
  return { socket, state: accepted.value.state, response: accepted.value.response };
}
