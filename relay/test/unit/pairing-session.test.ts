/**
 * The relay's socket-free `PairingSession`, driven directly: frames in through
 * `onFrame`, frames out through a recording outbox. A real store (PGlite in
 * memory) and the real router; no socket, no HTTP.
 */
import {
  PAIRING_CLOSE_CODES,
  PAIRING_PROTOCOL_VERSION,
  buildPairingAuth,
  toBase64,
} from '@cairn/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLimits } from '../../src/config.js';
import { LookupLimiter } from '../../src/pairing/limiter.js';
import { PairingRouter } from '../../src/pairing/router.js';
import { PairingSession, offerTtlCap, type PairingDeps } from '../../src/pairing/session.js';
import type { Outbox } from '../../src/http/socket-wiring.js';
import { openStore, type RelayStore } from '../../src/store/index.js';
import { identity } from '../../../testkit/src/identities.js';

const A1 = identity(310, 1);
const STRANGER = identity(311, 1);

let store: RelayStore;
let deps: PairingDeps;

beforeAll(async () => {
  store = await openStore({ kind: 'pglite' });
  expect(
    await store.registerAccount(A1.accountId, {
      deviceId: A1.deviceId,
      signingKey: toBase64(A1.signing.publicKey),
      boxKey: toBase64(A1.box.publicKey),
      label: A1.label,
    }),
  ).toBe('created');
  const limits = resolveLimits({ pairingTtlMs: 60_000 });
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  deps = {
    store: store.pairing,
    accounts: store,
    router: new PairingRouter(store.pairing, silent),
    limiter: new LookupLimiter(limits.pairingLookupsPerMinute),
    limits,
    log: silent,
    now: () => Date.now(),
  };
});

afterAll(async () => {
  await store.close();
});

function drive(): {
  session: PairingSession;
  frames: () => Record<string, unknown>[];
  closed: () => { code: number; reason: string } | undefined;
} {
  const sent: string[] = [];
  let closedWith: { code: number; reason: string } | undefined;
  const out: Outbox = {
    send: (frame) => sent.push(frame),
    close: (code, reason) => {
      closedWith ??= { code, reason };
    },
  };
  const session = new PairingSession(deps, out, new Uint8Array(32).fill(9), '192.0.2.1');
  sent.push(session.helloFrame());
  return {
    session,
    frames: () => sent.map((f) => JSON.parse(f) as Record<string, unknown>),
    closed: () => closedWith,
  };
}

const challenge = toBase64(new Uint8Array(32).fill(9));

describe('PairingSession (socket-free)', () => {
  it('opens with pairing-hello: its challenge and the offer lifetime it allows', () => {
    const d = drive();
    expect(d.frames()[0]).toEqual({
      type: 'pairing-hello',
      v: PAIRING_PROTOCOL_VERSION,
      challenge,
      ttlMs: offerTtlCap(deps.limits),
    });
  });

  it("answers a registered device's pairing-auth with pairing-ready", async () => {
    const d = drive();
    await d.session.onFrame(
      JSON.stringify(buildPairingAuth(A1.signing.secretKey, challenge, A1.accountId, A1.deviceId)),
    );
    expect(d.frames()[1]).toEqual({ type: 'pairing-ready' });
    expect(d.closed()).toBeUndefined();
    d.session.onClosed();
  });

  it('refuses a signature by another key: auth-failed, then the socket closes', async () => {
    const d = drive();
    await d.session.onFrame(
      JSON.stringify(
        buildPairingAuth(STRANGER.signing.secretKey, challenge, A1.accountId, A1.deviceId),
      ),
    );
    expect(d.frames()[1]).toMatchObject({ type: 'error', code: 'auth-failed' });
    expect(d.closed()?.code).toBe(PAIRING_CLOSE_CODES.authFailed);
  });

  it('answers a second pairing-auth with not-authenticated and stays open', async () => {
    const d = drive();
    const auth = JSON.stringify(
      buildPairingAuth(A1.signing.secretKey, challenge, A1.accountId, A1.deviceId),
    );
    await d.session.onFrame(auth);
    await d.session.onFrame(auth);
    expect(d.frames()[2]).toMatchObject({ type: 'error', code: 'not-authenticated' });
    expect(d.closed()).toBeUndefined();
    d.session.onClosed();
  });

  it('answers a malformed frame with an error, and closes after no auth in time', async () => {
    const d = drive();
    await d.session.onFrame('{"type":"pairing-open"}');
    expect(d.frames()[1]).toMatchObject({ type: 'error' });
    expect(d.closed()).toBeUndefined();
    d.session.onIdleTimeout();
    expect(d.frames()[2]).toMatchObject({ type: 'error', code: 'not-authenticated' });
    expect(d.closed()?.code).toBe(PAIRING_CLOSE_CODES.authTimeout);
  });
});
