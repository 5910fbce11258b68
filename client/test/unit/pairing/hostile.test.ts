/**
 * Both pairing roles of the app (OfferSession on A, JoinSession on B) through
 * a hostile relay that knows the code (it inverted SHA-256 of it, or read the
 * screen) and substitutes keys and envelopes:
 *
 * - toward B it serves an offer of its own, MACed with the code, reveals its
 *   own nonce and sends, at once, a key envelope for ITS OWN account;
 * - toward A it answers as a "B" of its own, with a response MACed with the code.
 *
 * Each user looks at both screens and confirms on a device only when the
 * digits there equal the digits on the other device, as Cairn asks. B must
 * never adopt an account its user did not confirm: the envelope that arrives
 * while B's user is still comparing is held, never opened; then the digits
 * differ and both users refuse. Also: the QR path refuses the relay's offer
 * outright, and B gives up on an offer whose time ran out, by the relay's own
 * clock, never waiting more than an offer may live.
 */
import {
  PAIRING_TTL_MS,
  acceptPairingOffer,
  decodePairResponse,
  decodePairingQr,
  derivePairingKeys,
  encodePairEnvelope,
  encodePairOffer,
  encodePairResponse,
  mlkemDecapsulate,
  mlkemKeyPair,
  normalizePairingCode,
  pairingCodeKey,
  pairingCommitment,
  pairingMac,
  pairingOfferTranscript,
  pairingResponseTranscript,
  pairingTranscript,
  randomBytes,
  ready,
  sealKeyEnvelope,
  uuidV4,
  x25519,
  x25519KeyPair,
  type PairOffer,
  type PairOfferWire,
  type PairingDevice,
} from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPIRED_MESSAGE, JoinSession, TAMPERED_MESSAGE } from '../../../src/pairing/join-session';
import { OfferSession } from '../../../src/pairing/offer-session';
import type { SocketFactory, SocketHandlers } from '../../../src/lib/platform';

beforeAll(ready);

const RELAY = 'https://relay.example.org';
const ACCOUNT_A = '6f1c2a0e-4b7d-4c1e-9a3f-2d5e8b7c9a10';
const RELAYS_ACCOUNT = 'bad00000-0000-4000-8000-000000000bad';
const later = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

function device(label: string): PairingDevice {
  return {
    id: uuidV4(randomBytes(16)),
    ed25519: x25519KeyPair(randomBytes(32)).publicKey,
    x25519: x25519KeyPair(randomBytes(32)).publicKey,
    label,
  };
}

/** A socket end the fake relay drives: frames to the app go through `deliver`. */
interface FakeSocket {
  handlers: SocketHandlers;
  sent: unknown[];
  closed: boolean;
  deliver(frame: unknown): void;
  hangUp(code: number): void;
}

/** The hostile relay: one socket for A, one for B, and B's offer lookup. */
class HostileRelay {
  a: FakeSocket | undefined;
  b: FakeSocket | undefined;
  aOffer: PairOfferWire | undefined;
  /** What the relay learnt of the code (it inverted the lookup key). */
  code = '';
  readonly envelopesToB: number[] = [];
  private mine:
    { offer: PairOffer; xSecret: Uint8Array; kemSecret: Uint8Array; nonce: Uint8Array } | undefined;

  readonly connect: SocketFactory = (url, handlers) => {
    const sock: FakeSocket = {
      handlers,
      sent: [],
      closed: false,
      deliver(frame) {
        setTimeout(() => {
          if (!sock.closed) handlers.message(JSON.stringify(frame));
        }, 1);
      },
      hangUp(code) {
        // After the frames already on their way, as a socket's close follows its frames.
        setTimeout(() => {
          if (sock.closed) return;
          sock.closed = true;
          handlers.close(code, '');
        }, 2);
      },
    };
    const isA = this.a === undefined;
    if (isA) this.a = sock;
    else this.b = sock;
    setTimeout(() => {
      handlers.open();
      sock.deliver({
        type: 'pairing-hello',
        v: 1,
        challenge: Buffer.alloc(32, 7).toString('base64'),
        ttlMs: PAIRING_TTL_MS,
      });
    }, 1);
    return {
      send: (text) => {
        const frame: unknown = JSON.parse(text);
        sock.sent.push(frame);
        if (isA) this.fromA(frame);
        else this.fromB(frame);
      },
      close: () => sock.hangUp(1000),
    };
  };

  /** B's offer lookup: the relay's own offer, MACed with the code it knows. */
  readonly fetch = async (): Promise<{ status: number; json(): Promise<unknown> }> => {
    const kCode = pairingCodeKey(this.code);
    const x = x25519KeyPair(randomBytes(32));
    const kem = mlkemKeyPair(randomBytes(64));
    const nonce = randomBytes(32);
    const values = { x25519: x.publicKey, mlkem: kem.publicKey, commit: pairingCommitment(nonce) };
    const offer: PairOffer = {
      type: 'pair-offer',
      v: 1,
      ...values,
      mac: pairingMac(kCode, pairingOfferTranscript(values)),
    };
    this.mine = { offer, xSecret: x.secretKey, kemSecret: kem.secretKey, nonce };
    const body = {
      offer: encodePairOffer(offer),
      expiresAt: Date.now() + 300_000,
      now: Date.now(),
    };
    return { status: 200, json: async () => body };
  };

  private fromA(frame: unknown): void {
    const f = frame as { type: string; offer?: PairOfferWire };
    if (f.type === 'pairing-auth') this.a?.deliver({ type: 'pairing-ready' });
    if (f.type === 'pairing-open') {
      this.aOffer = f.offer;
      this.a?.deliver({ type: 'pairing-opened', expiresAt: Date.now() + 300_000 });
    }
  }

  /** Toward A, the relay answers as a "B" of its own (it knows the code, so its MAC is valid). */
  answerA(): void {
    const wire = this.aOffer;
    if (wire === undefined) throw new Error('A has no offer open');
    const offer = {
      type: 'pair-offer',
      v: 1,
      x25519: Buffer.from(wire.x25519, 'base64'),
      mlkem: Buffer.from(wire.mlkem, 'base64'),
      commit: Buffer.from(wire.commit, 'base64'),
      mac: Buffer.from(wire.mac, 'base64'),
    } as const;
    const fake = acceptPairingOffer(offer, { code: this.code }, device('Relay device'));
    if (!fake.ok) throw fake.error;
    this.a?.deliver({
      type: 'pairing-from',
      joiner: '0'.repeat(32),
      message: encodePairResponse(fake.value.response),
    });
  }

  /** Toward B: its own reveal and, at once, a key envelope for the relay's account. */
  private fromB(frame: unknown): void {
    const f = frame as { type: string; response?: unknown };
    if (f.type !== 'pairing-join' || this.mine === undefined) return;
    const response = decodePairResponse(f.response);
    if (!response.ok) throw response.error;
    const m = this.mine;
    const tOffer = pairingOfferTranscript(m.offer);
    const keys = derivePairingKeys(
      x25519(m.xSecret, response.value.x25519),
      mlkemDecapsulate(response.value.mlkemCiphertext, m.kemSecret),
      pairingTranscript(pairingResponseTranscript(tOffer, response.value), m.nonce),
    );
    this.b?.deliver({ type: 'pair-reveal', v: 1, nonce: Buffer.from(m.nonce).toString('base64') });
    const sealed = sealKeyEnvelope(
      keys.kTransport,
      keys.transcriptHash,
      randomBytes(32),
      RELAYS_ACCOUNT,
    );
    setTimeout(() => {
      this.envelopesToB.push(Date.now());
      this.b?.deliver(encodePairEnvelope({ type: 'pair-envelope', v: 1, sealed }));
      this.b?.hangUp(1000);
    }, 5);
  }
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await later(5);
  }
}

function sessions(relay: HostileRelay) {
  const adopted: string[] = [];
  const offer = new OfferSession({
    relayUrl: RELAY,
    accountId: ACCOUNT_A,
    deviceId: uuidV4(randomBytes(16)),
    signingSecretKey: new Uint8Array(64),
    kMaster: randomBytes(32),
    connect: relay.connect,
  });
  const join = new JoinSession({
    relayUrl: RELAY,
    device: device('Phone'),
    fetch: relay.fetch,
    connect: relay.connect,
    adopt: async (joined) => {
      adopted.push(joined.accountId);
      return { ok: true };
    },
  });
  return { offer, join, adopted };
}

describe('through a relay that knows the code', () => {
  it('B holds the relay’s key until its user compares, and never adopts an account it did not confirm', async () => {
    const TRIALS = 12;
    let refused = 0;
    for (let t = 0; t < TRIALS; t++) {
      const relay = new HostileRelay();
      const { offer, join, adopted } = sessions(relay);
      const offering = offer.run();
      await until(() => offer.get().stage === 'waiting', 'A waiting');
      const shown = offer.get();
      if (shown.stage !== 'waiting') throw new Error('A is not waiting');
      const code = normalizePairingCode(shown.code);
      if (!code.ok) throw code.error;
      relay.code = code.value;

      const joining = join.run({ code: shown.code });
      relay.answerA();
      await until(() => offer.get().stage === 'confirming', 'A showing digits');
      await until(() => relay.envelopesToB.length === 1, 'the relay’s envelope sent to B');
      await later(50);
      // The envelope for the relay's account is here; B's user has not answered: nothing adopted.
      expect(join.get(), JSON.stringify(join.get())).toMatchObject({ stage: 'comparing' });
      expect(adopted).toEqual([]);

      // Each user compares the two screens and answers on their own device.
      const onA = offer.get();
      const onB = join.get();
      if (onA.stage !== 'confirming' || onB.stage !== 'comparing') throw new Error('not comparing');
      const same = onA.sas === onB.sas;
      if (same) {
        // 10^-6 per attempt: the relay guessed the digits. Both users confirm, as they should.
        offer.confirm();
        join.confirm();
      } else {
        refused++;
        join.mismatch();
        offer.mismatch();
      }
      await Promise.race([Promise.all([offering, joining]), later(2000)]);
      if (!same) {
        expect(adopted).toEqual([]);
        expect(join.get()).toMatchObject({ stage: 'ended' });
        expect(offer.get()).toMatchObject({ stage: 'ended', reason: 'mismatch' });
        // A never let its key go: no pairing-complete was sent.
        expect(relay.a?.sent.some((f) => (f as { type: string }).type === 'pairing-complete')).toBe(
          false,
        );
      }
    }
    expect(refused).toBe(TRIALS);
  });

  it('B refuses the relay’s offer when it has A’s QR code (the whole offer is hashed into it)', async () => {
    const relay = new HostileRelay();
    const { offer, join, adopted } = sessions(relay);
    void offer.run();
    await until(() => offer.get().stage === 'waiting', 'A waiting');
    const shown = offer.get();
    if (shown.stage !== 'waiting') throw new Error('A is not waiting');
    const qr = decodePairingQr(shown.qr);
    if (!qr.ok) throw qr.error;
    relay.code = qr.value.code;
    await join.run({ qr: qr.value });
    expect(join.get()).toEqual({ stage: 'ended', message: TAMPERED_MESSAGE });
    expect(relay.b).toBeUndefined();
    expect(adopted).toEqual([]);
    offer.cancel();
  });
});

describe('the offer’s expiry, on B', () => {
  /** A relay whose offer never gets a reveal; its clock is an hour off B's. */
  function silentRelay(left: number) {
    const sent: unknown[] = [];
    let handlers: SocketHandlers | undefined;
    const connect: SocketFactory = (_url, h) => {
      handlers = h;
      setTimeout(() => {
        h.open();
        h.message(
          JSON.stringify({
            type: 'pairing-hello',
            v: 1,
            challenge: Buffer.alloc(32).toString('base64'),
            ttlMs: PAIRING_TTL_MS,
          }),
        );
      }, 1);
      return {
        send: (text) => sent.push(JSON.parse(text)),
        close: () => setTimeout(() => handlers?.close(1000, ''), 1),
      };
    };
    const skewed = Date.now() + 3_600_000;
    const fetchOffer = async () => {
      const r = new HostileRelay();
      r.code = 'ZTWEHMR6E17J';
      const answer = await r.fetch();
      const body = (await answer.json()) as { offer: unknown };
      return {
        status: 200,
        json: async () => ({ offer: body.offer, expiresAt: skewed + left, now: skewed }),
      };
    };
    return { connect, fetch: fetchOffer, sent };
  }

  it('gives up with a clear message when the offer’s time runs out, counted on the relay’s clock', async () => {
    const relay = silentRelay(300);
    const adopted: unknown[] = [];
    const join = new JoinSession({
      relayUrl: RELAY,
      device: device('Phone'),
      fetch: relay.fetch,
      connect: relay.connect,
      adopt: async (j) => {
        adopted.push(j);
        return { ok: true };
      },
    });
    const started = Date.now();
    await join.run({ code: 'ZTWE-HMR6-E17J' });
    expect(join.get()).toEqual({ stage: 'ended', message: EXPIRED_MESSAGE });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(relay.sent).toContainEqual({ type: 'pair-abort', v: 1, reason: 'expired' });
    expect(adopted).toEqual([]);
  });

  it('never waits longer than an offer may live, whatever expiry the relay claims', async () => {
    const relay = silentRelay(24 * 3_600_000);
    const asked: number[] = [];
    const join = new JoinSession({
      relayUrl: RELAY,
      device: device('Phone'),
      fetch: relay.fetch,
      connect: relay.connect,
      adopt: async () => ({ ok: true }),
      setTimer: (f, ms) => {
        asked.push(ms);
        const t = setTimeout(f, Math.min(ms, 200));
        return () => clearTimeout(t);
      },
    });
    await join.run({ code: 'ZTWE-HMR6-E17J' });
    expect(asked[0]).toBe(PAIRING_TTL_MS);
    expect(join.get()).toEqual({ stage: 'ended', message: EXPIRED_MESSAGE });
  });
});
