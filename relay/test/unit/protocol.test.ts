/** The relay protocol's pure parts: wire fields, codecs, signed bytes, the client correlator. */
import {
  authPayload,
  base64Length,
  isCanonicalBase64,
  buildRegisterRequest,
  decodeClientMessage,
  decodeServerMessage,
  ed25519KeyPair,
  fromHex,
  ready,
  registerPayload,
  RelayProtocolClient,
  signAuth,
  toBase64,
  toHex,
  verifyAuth,
  verifyRegisterRequest,
  x25519KeyPair,
} from '@cairn/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/sync/token-bucket.js';

const ACC = '6f1c2a3b-4d5e-4f60-8a7b-9c8d7e6f5a4b';
const DEV = '0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3';
const CHALLENGE = fromHex('c0'.repeat(32));

beforeAll(ready);

describe('wire fields', () => {
  it('accepts only canonical base64 of the exact length', () => {
    const p32 = (s: string): boolean => isCanonicalBase64(s, 32);
    expect(p32(Buffer.alloc(32, 7).toString('base64'))).toBe(true);
    expect(p32(Buffer.alloc(31, 7).toString('base64'))).toBe(false);
    expect(p32(Buffer.alloc(33, 7).toString('base64'))).toBe(false);
    // Same bytes, stray bits in the last symbol: not canonical.
    const canonical = Buffer.alloc(32, 0).toString('base64');
    expect(p32(`${canonical.slice(0, 42)}B=`)).toBe(false);
    const p16 = (s: string): boolean => isCanonicalBase64(s, 16);
    expect(p16(Buffer.alloc(16, 255).toString('base64'))).toBe(true);
    expect(p16(`${Buffer.alloc(16).toString('base64').slice(0, 21)}B==`)).toBe(false);
    expect(isCanonicalBase64('AAAA', 3)).toBe(true);
    for (const n of [0, 1, 2, 3, 100, 101, 102]) {
      expect(base64Length(Buffer.alloc(n).toString('base64'))).toBe(n);
    }
  });

  it('agrees with a strict decoder on every short string, and takes no regex', () => {
    // Every string of up to 4 symbols over an alphabet with every kind of character.
    const alphabet = ['A', 'B', 'Q', 'g', 'w', 'z', '0', '+', '/', '=', '-', '_', ' ', 'é'];
    const strings = [''];
    for (let n = 0; n < 4; n++) {
      for (const s of [...strings]) for (const c of alphabet) strings.push(s + c);
    }
    for (const s of strings) {
      const decoded = Buffer.from(s, 'base64');
      const canonical = decoded.toString('base64') === s;
      expect(isCanonicalBase64(s), JSON.stringify(s)).toBe(canonical);
    }
  });

  it('checks megabytes of base64 in one pass', () => {
    const big = Buffer.alloc(6 * 1024 * 1024, 0xa5).toString('base64');
    expect(isCanonicalBase64(big)).toBe(true);
    expect(isCanonicalBase64(`${big.slice(0, -4)}AAA-`)).toBe(false);
    expect(isCanonicalBase64(big, 6 * 1024 * 1024)).toBe(true);
    expect(isCanonicalBase64(big, 6 * 1024 * 1024 - 1)).toBe(false);
  });
});

describe('codec', () => {
  const push = {
    type: 'push',
    id: 3,
    streamId: Buffer.alloc(32, 1).toString('base64'),
    eventId: Buffer.alloc(16, 2).toString('base64'),
    data: Buffer.alloc(50, 3).toString('base64'),
  };

  it('decodes a valid message and ignores unknown fields', () => {
    const r = decodeClientMessage(JSON.stringify({ ...push, extra: true }));
    expect(r.ok && r.value).toEqual(push);
  });

  it('names the failure: bad-frame for non-JSON, bad-message with the path and ref', () => {
    expect(decodeClientMessage('{')).toEqual({
      ok: false,
      error: { code: 'bad-frame', message: 'frame is not JSON' },
    });
    const r = decodeClientMessage(JSON.stringify({ ...push, eventId: 'AAAA' }));
    expect(!r.ok && r.error.code).toBe('bad-message');
    expect(!r.ok && r.error.ref).toBe(3);
    expect(!r.ok && r.error.message).toMatch(/^eventId: /);
    const noRef = decodeClientMessage(JSON.stringify({ ...push, id: -1 }));
    expect(!noRef.ok && noRef.error.ref).toBeUndefined();
    for (const bad of ['null', '[]', '"push"', '{"type":"push"}', '{"type":"auth","v":1}']) {
      expect(decodeClientMessage(bad).ok).toBe(false);
    }
  });

  it('never quotes much of a bad value back (messages stay short)', () => {
    const huge = 'x'.repeat(1_000_000);
    for (const frame of [
      { type: huge },
      { type: 'ping', id: huge },
      { type: 'revoke', id: 1, deviceId: huge },
      { type: 'push', id: 1, streamId: huge, eventId: huge, data: huge },
    ]) {
      const r = decodeClientMessage(JSON.stringify(frame));
      expect(!r.ok && r.error.message.length).toBeLessThanOrEqual(200);
    }
  });

  it('decodes relay messages', () => {
    const ack = decodeServerMessage('{"type":"ack","ref":1,"seq":4,"duplicate":false}');
    expect(ack.ok && ack.value).toEqual({ type: 'ack', ref: 1, seq: 4, duplicate: false });
    expect(decodeServerMessage('{"type":"ack","ref":1,"seq":0,"duplicate":false}').ok).toBe(false);
    expect(decodeServerMessage('{"type":"error","code":"nope","message":""}').ok).toBe(false);
  });
});

describe('signed bytes (docs/protocol.md vectors)', () => {
  it('builds the auth payload and a deterministic signature', () => {
    const kp = ed25519KeyPair(
      fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
    );
    expect(toHex(authPayload(CHALLENGE, ACC, DEV))).toBe(
      '636169726e2d72656c61792d617574682d763100' +
        'c0'.repeat(32) +
        '6f1c2a3b4d5e4f608a7b9c8d7e6f5a4b0a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3',
    );
    const sig = signAuth(kp.secretKey, toBase64(CHALLENGE), ACC, DEV);
    expect(sig).toBe(
      'Q+xysi0F7tzrCqb3VNVrHoDe/sKZj5lYqloTAslFxquPgsB+ZDKBKGXuiVGcmuZccbg4JJTtTm+3VBLxjp0yCQ==',
    );
    expect(verifyAuth(kp.publicKey, CHALLENGE, ACC, DEV, sig)).toBe(true);
    expect(verifyAuth(kp.publicKey, fromHex('c1'.repeat(32)), ACC, DEV, sig)).toBe(false);
    expect(verifyAuth(kp.publicKey, CHALLENGE, ACC, ACC, sig)).toBe(false);
  });

  it('builds and verifies a registration (proof of possession)', () => {
    const kp = ed25519KeyPair(
      fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'),
    );
    const box = x25519KeyPair(
      fromHex('202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f'),
    );
    const payload = registerPayload({
      accountId: ACC,
      deviceId: DEV,
      signingKey: kp.publicKey,
      boxKey: box.publicKey,
      label: 'Phone',
    });
    expect(toHex(payload)).toBe(
      '636169726e2d72656c61792d72656769737465722d763100' +
        '6f1c2a3b4d5e4f608a7b9c8d7e6f5a4b0a1b2c3d4e5f4a6b8c7d8e9fa0b1c2d3' +
        '03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8' +
        '358072d6365880d1aeea329adf9121383851ed21a28e3b75e965d0d2cd166254' +
        '50686f6e65',
    );
    const req = buildRegisterRequest(ACC, DEV, kp, box.publicKey, 'Phone');
    expect(req.signature).toBe(
      'ciQhpJnIy1knZaom8WG05qizV7gUHVgOW4612SdaWKkrHXHXTD1/XbbTr8+qezs7WBNXxCUJ+lmGOzLhdcUdAA==',
    );
    expect(verifyRegisterRequest(req)).toBe(true);
    expect(verifyRegisterRequest({ ...req, label: 'Phone ' })).toBe(false);
    expect(verifyRegisterRequest({ ...req, deviceId: ACC })).toBe(false);
  });
});

describe('RelayProtocolClient', () => {
  it('pairs answers with requests, routes events, fails pending requests on close', async () => {
    const sent: string[] = [];
    const events: unknown[] = [];
    const c = new RelayProtocolClient((t) => sent.push(t), { onEvent: (e) => events.push(e) });
    const ping = c.ping();
    const pull = c.pull(Buffer.alloc(32).toString('base64'), 0);
    expect(sent.map((s) => JSON.parse(s) as unknown)).toEqual([
      { type: 'ping', id: 1 },
      { type: 'pull', id: 2, streamId: Buffer.alloc(32).toString('base64'), after: 0 },
    ]);
    c.receive(
      '{"type":"error","code":"rate-limited","message":"slow down","ref":2,"retryAfterMs":50}',
    );
    c.receive('{"type":"pong","ref":1}');
    expect(await ping).toEqual({ ok: true, value: { type: 'pong', ref: 1 } });
    expect(await pull).toEqual({
      ok: false,
      error: { code: 'rate-limited', message: 'slow down', retryAfterMs: 50 },
    });
    const ev = {
      type: 'event',
      streamId: Buffer.alloc(32).toString('base64'),
      seq: 1,
      eventId: Buffer.alloc(16).toString('base64'),
      data: 'AAAA',
    };
    c.receive(JSON.stringify(ev));
    expect(events).toEqual([ev]);
    const wrong = c.streams();
    c.receive('{"type":"pong","ref":3}');
    expect((await wrong).ok).toBe(false);
    const lost = c.devices();
    c.closed(1006, '');
    expect(await lost).toEqual({ ok: false, error: { code: 'closed', message: 'closed 1006' } });
    expect((await c.ping()).ok).toBe(false);
  });
});

describe('TokenBucket', () => {
  it('grants a burst, then the rate, and says how long to wait', () => {
    const b = new TokenBucket(10, 3, 0);
    expect([b.take(0), b.take(0), b.take(0)]).toEqual([0, 0, 0]);
    expect(b.take(0)).toBe(100);
    expect(b.take(50)).toBe(50);
    expect(b.take(100)).toBe(0);
    expect(b.take(10_000)).toBe(0); // refills, capped at the burst
    expect([b.take(10_000), b.take(10_000), b.take(10_000)]).toEqual([0, 0, 100]);
  });
});
