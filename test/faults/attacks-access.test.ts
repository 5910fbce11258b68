/**
 * Attacks on accounts and devices (reliability promise 6, first half), on a
 * relay child process over Postgres:
 *
 *   "Fan-out goes to the account's other devices, never to another account;
 *    a revoked device is refused; a relay that moves an event into another
 *    stream, or replays one, cannot change what a device holds."
 *
 * - every request of the sync protocol against another account's streams and
 *   devices, by devices of two other accounts;
 * - forged authentication: foreign ids, a stale challenge, a signature made
 *   for another purpose; a revoked device on every route;
 * - a record moved to another stream in the database: the device reports an
 *   authentication failure and applies nothing;
 * - old events replayed (same id, and the same bytes under a new id): no change.
 *
 * An attack "succeeds" if it reads anything of the victim's, changes anything
 * of the victim's, or is let in. The count of cases is reported; 0 may succeed.
 */
import {
  ACCOUNTS_PATH,
  PAIRING_WS_PATH,
  PROTOCOL_VERSION,
  buildPairingAuth,
  buildRecoveryDelete,
  buildRecoveryPut,
  buildRegisterRequest,
  fromBase64,
  randomBytes,
  recoveryPath,
  signAuth,
  toBase64,
  toHex,
} from '@cairn/shared';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startPostgres, type PostgresCluster } from '../support/postgres';
import { FaultDevice } from './support/device';
import { health, startRelayChild, waitUntil, type RelayChild } from '../../testkit/src/relay';
import { report } from './support/scale';
import { K_MASTER } from './support/store';
import { faultIdentity, type Identity } from '../../testkit/src/identities';
import {
  challengeOf,
  connectDevice,
  exchange,
  openDevice,
  setUpAccount,
  type ProtocolDevice,
} from '../../testkit/src/protocol-device';

let pg: PostgresCluster | undefined;
let relay: RelayChild | undefined;
let sql: postgres.Sql | undefined;

const A = [faultIdentity(901, 1), faultIdentity(901, 2), faultIdentity(901, 3)] as const;
// Attackers: one device in each of three other accounts.
const B = [faultIdentity(902, 1), faultIdentity(904, 1)] as const;
const C = [faultIdentity(903, 1)] as const;
const A_STREAMS = Array.from({ length: 6 }, (_, i) =>
  Buffer.alloc(32, 0xa0 + i).toString('base64'),
);
const sockets: ProtocolDevice[] = [];

const record = (fill: number, size = 120): string => {
  const b = Buffer.alloc(size, fill);
  b[0] = 1;
  return b.toString('base64');
};
const eventId = (n: number): string => {
  const b = Buffer.alloc(16, 0xee);
  b.writeUInt32BE(n, 12);
  return b.toString('base64');
};

async function connected(id: Identity): Promise<ProtocolDevice> {
  const s = await connectDevice(base(), id);
  sockets.push(s);
  return s;
}

function base(): string {
  if (relay === undefined) throw new Error('no relay');
  return relay.base;
}

function db(): postgres.Sql {
  if (sql === undefined) throw new Error('no database');
  return sql;
}

interface Snapshot {
  events: string[];
  devices: { id: string; key: string; label: string; revoked: boolean }[];
}

/** Everything of account `accountId` a foreign device could try to read or change. */
async function snapshot(accountId: string): Promise<Snapshot> {
  const events =
    await db()`SELECT encode(stream_id, 'base64') s, seq::text, encode(event_id, 'base64') e,
    encode(data, 'base64') d, covers_seq::text c FROM events WHERE account_id = ${accountId} ORDER BY 1, 2`;
  const devices = await db()`SELECT id::text, encode(signing_key, 'base64') k, label,
    revoked_at IS NOT NULL AS revoked FROM devices WHERE account_id = ${accountId} ORDER BY 1`;
  return {
    events: events.map((e) => JSON.stringify(e)),
    devices: devices.map((d) => ({
      id: String(d['id']),
      key: String(d['k']),
      label: String(d['label']),
      revoked: d['revoked'] === true,
    })),
  };
}

/** Stream heads of an account, as stored. */
async function heads(accountId: string): Promise<Map<string, number>> {
  const rows = await db()`SELECT encode(stream_id, 'base64') s, head::text h FROM streams
    WHERE account_id = ${accountId}`;
  return new Map(rows.map((r) => [String(r['s']), Number(r['h'])]));
}

beforeAll(async () => {
  pg = await startPostgres();
  relay = await startRelayChild({
    env: {
      DATABASE_URL: pg.url,
      LOG_LEVEL: 'info',
      RELAY_CONNECT_PER_MINUTE: '100000',
      RELAY_REGISTER_PER_MINUTE: '100000',
    },
  });
  sql = postgres(pg.url, { max: 2, onnotice: () => {} });
  await setUpAccount(base(), A[0], [A[1], A[2]]);
  await setUpAccount(base(), B[0], []);
  await setUpAccount(base(), B[1], []);
  await setUpAccount(base(), C[0], []);
  // The victim's data: five events in each of six streams.
  const a1 = await connected(A[0]);
  for (const [i, s] of A_STREAMS.entries()) {
    for (let n = 0; n < 5; n += 1) {
      const ack = await a1.client.push(s, eventId(i * 100 + n), record(i * 16 + n));
      expect(ack.ok).toBe(true);
    }
  }
});

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await sql?.end({ timeout: 5 });
  await relay?.stop('SIGKILL');
  pg?.destroy();
});

describe('attacks: other accounts and devices', () => {
  it('lets no foreign request, forged identity or revoked device read or change an account', async () => {
    const failures: string[] = [];
    let cases = 0;
    const check = (name: string, succeeded: boolean): void => {
      cases += 1;
      if (succeeded) failures.push(name);
    };
    const victimBefore = await snapshot(A[0].accountId);
    const victimListener = await connected(A[0]);

    // ── every request × foreign streams and devices, by devices of two accounts ──
    for (const attacker of [B[0], B[1], C[0]]) {
      const s = await connected(attacker);
      const who = attacker.label;
      for (const [i, stream] of A_STREAMS.entries()) {
        for (const after of [0, 2]) {
          const page = await s.client.pull(stream, after);
          check(
            `${who} pull ${i} after ${after}`,
            !page.ok || page.value.events.length > 0 || page.value.head > 0,
          );
        }
        const boot = await s.client.bootstrap(stream);
        check(
          `${who} bootstrap ${i}`,
          !boot.ok || boot.value.events.length > 0 || boot.value.snapshot !== undefined,
        );
        // Pushes land in the attacker's own stream of that id, never in the victim's.
        const fresh = await s.client.push(stream, toBase64(randomBytes(16)), record(0x70 + i));
        check(`${who} push new ${i}`, !fresh.ok || fresh.value.duplicate);
        const clash = await s.client.push(stream, eventId(i * 100), record(0x80 + i));
        check(`${who} push victim's event id ${i}`, !clash.ok || clash.value.duplicate);
        // Past the attacker's own head (2), though not past the victim's (5).
        const cover = await s.client.push(stream, toBase64(randomBytes(16)), record(0x90 + i), 5);
        check(`${who} snapshot covering the victim's seq ${i}`, cover.ok);
      }
      for (const victim of A) {
        const relabel = await s.client.relabel(victim.deviceId, 'taken over');
        check(`${who} relabel ${victim.label}`, relabel.ok);
        const revoke = await s.client.revoke(victim.deviceId);
        check(`${who} revoke ${victim.label}`, revoke.ok);
        // Same id, attacker's keys: a device of the attacker's own account at most.
        await s.client.addDevice({
          deviceId: victim.deviceId,
          signingKey: toBase64(attacker.signing.publicKey),
          boxKey: toBase64(attacker.box.publicKey),
          label: `copy of ${victim.label}`,
        });
        const rows = await db()`SELECT encode(signing_key, 'base64') k FROM devices
          WHERE account_id = ${victim.accountId} AND id = ${victim.deviceId}`;
        check(
          `${who} add-device with ${victim.label}'s id`,
          rows.length !== 1 || rows[0]?.['k'] !== toBase64(victim.signing.publicKey),
        );
      }
      const devices = await s.client.devices();
      check(
        `${who} devices lists the victim's`,
        !devices.ok || devices.value.devices.some((d) => A.some((v) => v.label === d.label)),
      );
      // The streams answer is the attacker's own account, exactly.
      const listed = await s.client.streams();
      const own = await heads(attacker.accountId);
      check(
        `${who} streams shows anything but its own`,
        !listed.ok ||
          listed.value.streams.length !== own.size ||
          listed.value.streams.some((x) => own.get(x.streamId) !== x.head),
      );
    }

    // ── forged authentication ──
    const forge = async (name: string, frame: (challenge: string) => object): Promise<void> => {
      const s = await openDevice(base());
      sockets.push(s);
      const challenge = await challengeOf(s);
      const answer = await exchange(s, JSON.stringify(frame(challenge)));
      const admitted = answer.reply?.['type'] === 'ready';
      check(`forged auth: ${name}`, admitted);
      s.ws.terminate();
    };
    const auth = (claim: Identity, signer: Identity, challenge: string, as = claim) => ({
      type: 'auth',
      v: PROTOCOL_VERSION,
      accountId: claim.accountId,
      deviceId: claim.deviceId,
      signature: signAuth(signer.signing.secretKey, challenge, as.accountId, as.deviceId),
    });
    // A real signature of A1, captured on an earlier connection.
    const earlier = await openDevice(base());
    sockets.push(earlier);
    const oldChallenge = await challengeOf(earlier);
    const captured = auth(A[0], A[0], oldChallenge);
    earlier.ws.terminate();
    for (const attacker of [B[0], B[1], C[0]]) {
      for (const victim of A) {
        await forge(`${attacker.label} as ${victim.label}`, (c) => auth(victim, attacker, c));
        await forge(`${attacker.label} in ${victim.label}'s account`, (c) =>
          auth({ ...victim, deviceId: attacker.deviceId }, attacker, c),
        );
        await forge(`${attacker.label} signing for ${victim.label} over its own ids`, (c) =>
          auth(victim, attacker, c, attacker),
        );
      }
      await forge(`${attacker.label} replaying A1's captured auth`, () => captured);
    }
    for (const victim of A) {
      await forge(`stale challenge for ${victim.label}`, () => auth(victim, victim, oldChallenge));
      await forge(`pairing signature for ${victim.label}`, (c) => ({
        ...buildPairingAuth(victim.signing.secretKey, c, victim.accountId, victim.deviceId),
        type: 'auth',
      }));
      await forge(`${victim.label} under another account id`, (c) =>
        auth({ ...victim, accountId: B[0].accountId }, victim, c),
      );
      await forge(`zero signature for ${victim.label}`, () => ({
        type: 'auth',
        v: PROTOCOL_VERSION,
        accountId: victim.accountId,
        deviceId: victim.deviceId,
        signature: Buffer.alloc(64).toString('base64'),
      }));
    }

    // ── fan-out never crosses accounts ──
    const b1 = await connected(B[0]);
    const a2 = await connected(A[1]);
    for (let n = 0; n < 20; n += 1) {
      await b1.client.push(
        A_STREAMS[n % A_STREAMS.length] ?? '',
        toBase64(randomBytes(16)),
        record(0x30 + n),
      );
    }
    const own = await a2.client.push(A_STREAMS[0] ?? '', toBase64(randomBytes(16)), record(0x55));
    expect(own.ok).toBe(true);
    await waitUntil(
      "the victim to get its own device's event",
      () => victimListener.events.length > 0,
      10_000,
    );
    // The victim's listener was connected through every attack above.
    const leaked = victimListener.events.filter((e) => fromBase64(e.data)?.[1] !== 0x55);
    for (let n = 0; n < 20; n += 1) check(`fan-out of B's push ${n} to A`, leaked.length > 0);
    check("fan-out of A's push to B", b1.events.length > 0);

    // ── a revoked device ──
    const revokedConn = await connected(A[2]);
    const revoke = await victimListener.client.revoke(A[2].deviceId);
    expect(revoke.ok).toBe(true);
    const closedWith = await Promise.race([
      revokedConn.closed,
      new Promise<{ code: number }>((r) => setTimeout(() => r({ code: 0 }), 10_000)),
    ]);
    check('revoked device keeps its open connection', closedWith.code !== 4403);
    await forge('revoked device authenticates', (c) => auth(A[2], A[2], c));
    const types = [
      'push',
      'pull',
      'bootstrap',
      'streams',
      'devices',
      'relabel',
      'add-device',
      'revoke',
      'ping',
    ];
    for (const type of types) {
      const s = await openDevice(base());
      sockets.push(s);
      await challengeOf(s);
      const answer = await exchange(
        s,
        JSON.stringify({
          type,
          id: 1,
          streamId: A_STREAMS[0],
          eventId: eventId(1),
          data: record(1),
          after: 0,
          deviceId: A[0].deviceId,
          label: 'x',
          device: {
            deviceId: A[2].deviceId,
            signingKey: toBase64(A[2].signing.publicKey),
            boxKey: toBase64(A[2].box.publicKey),
            label: 'x',
          },
        }),
      );
      check(`unauthenticated ${type}`, answer.reply?.['code'] !== 'not-authenticated');
      s.ws.terminate();
    }

    // ── HTTP: recovery and registration in someone else's name ──
    const recoveryId = randomBytes(32);
    const blob = new Uint8Array(89);
    blob[0] = 1;
    const http = async (method: string, path: string, body: object): Promise<number> => {
      const r = await fetch(`${base()}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await r.arrayBuffer();
      return r.status;
    };
    const put = (signer: Identity, claim: Identity) =>
      http('PUT', recoveryPath(toHex(recoveryId)), {
        ...buildRecoveryPut(
          { accountId: claim.accountId, deviceId: claim.deviceId, signing: signer.signing },
          recoveryId,
          blob,
          randomBytes(32),
          Date.now(),
        ),
      });
    for (const attacker of [B[0], C[0]]) {
      check(`${attacker.label} stores recovery for A`, (await put(attacker, A[0])) < 300);
      check(
        `${attacker.label} stores recovery in A as itself`,
        (await put(attacker, { ...A[0], deviceId: attacker.deviceId })) < 300,
      );
      const del = buildRecoveryDelete(
        { accountId: A[0].accountId, deviceId: A[0].deviceId, signing: attacker.signing },
        recoveryId,
        Date.now(),
      );
      check(
        `${attacker.label} deletes A's recovery`,
        (await http('DELETE', recoveryPath(toHex(recoveryId)), del)) < 300,
      );
      const reg = buildRegisterRequest(
        A[0].accountId,
        attacker.deviceId,
        attacker.signing,
        attacker.box.publicKey,
        'squatter',
      );
      check(
        `${attacker.label} registers A's account id`,
        (await http('POST', ACCOUNTS_PATH, reg)) < 300,
      );
    }
    check('revoked device stores recovery', (await put(A[2], A[2])) < 300);

    // ── the pairing socket, as a device of another account ──
    for (const attacker of [B[0], C[0]]) {
      const ws = new WebSocket(`${base().replace(/^http/, 'ws')}${PAIRING_WS_PATH}`);
      const frames: string[] = [];
      ws.on('message', (d) => frames.push(d.toString()));
      await new Promise((r) => ws.once('open', r));
      await waitUntil('pairing hello', () => frames.length > 0, 10_000);
      const hello: unknown = JSON.parse(frames[0] ?? '{}');
      const challenge =
        typeof hello === 'object' && hello !== null && 'challenge' in hello
          ? String(hello.challenge)
          : '';
      ws.send(
        JSON.stringify(
          buildPairingAuth(attacker.signing.secretKey, challenge, A[0].accountId, A[0].deviceId),
        ),
      );
      await waitUntil(
        'pairing answer',
        () => frames.length > 1 || ws.readyState !== WebSocket.OPEN,
        10_000,
      );
      check(
        `${attacker.label} opens A's pairing socket`,
        frames.some((f) => f.includes('pairing-ready')),
      );
      ws.terminate();
    }

    // The victim's stored events are what its own devices wrote (one more, by A2),
    // and its devices are as they were but for the one it revoked itself.
    const victimAfter = await snapshot(A[0].accountId);
    check(
      "victim's events changed by others",
      victimAfter.events.length !== victimBefore.events.length + 1 ||
        victimBefore.events.some((e) => !victimAfter.events.includes(e)),
    );
    const expectedDevices = victimBefore.devices.map((d) =>
      d.id === A[2].deviceId ? { ...d, revoked: true } : d,
    );
    check(
      "victim's devices changed by others",
      JSON.stringify(victimAfter.devices) !== JSON.stringify(expectedDevices),
    );
    expect(await health(base())).toBe(200);
    expect(relay?.unexpectedExit).toBeUndefined();
    report('attacks: access', { cases, succeeded: failures.length });
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(200);
  });
});

describe('attacks: a hostile relay moves and replays records', () => {
  it('reports a moved record as an authentication failure and ignores replays', async () => {
    const E = [faultIdentity(905, 1), faultIdentity(905, 2), faultIdentity(905, 3)] as const;
    const F = [faultIdentity(906, 1), faultIdentity(906, 2)] as const;
    const K_F = new Uint8Array(32).fill(0x46);
    await setUpAccount(base(), E[0], [E[1], E[2]]);
    await setUpAccount(base(), F[0], [F[1]]);
    const open = (id: Identity, kMaster: Uint8Array, n: number) =>
      FaultDevice.open({
        relayUrl: base(),
        kMaster,
        identity: id,
        actor: String(n).repeat(32),
        registered: true,
      });
    const synced = (d: FaultDevice) => waitUntil('sync', () => d.idle, 60_000);
    const e1 = await open(E[0], K_MASTER, 1);
    const f1 = await open(F[0], K_F, 4);
    const devices: FaultDevice[] = [e1, f1];
    try {
      for (let n = 0; n < 6; n += 1) {
        await e1.write('notes');
        await e1.write('habits');
        await f1.write('notes');
      }
      await synced(e1);
      await synced(f1);
      const streamOf = (d: FaultDevice, doc: 'notes' | 'habits') =>
        Buffer.from(d.store.streamId(doc));
      const keysOf = (d: FaultDevice, doc: 'notes' | 'habits') =>
        Object.keys(d.store.doc(doc).items ?? {}).sort();

      // Move E's notes record at seq 4 into E's habits stream, and copy E's notes
      // record at seq 5 into F's notes stream (another account, another key).
      const move = async (
        fromAccount: string,
        from: Buffer,
        seq: number,
        toAccount: string,
        to: Buffer,
        keep: boolean,
      ): Promise<number> => {
        return db().begin(async (tx) => {
          const [h] = await tx`UPDATE streams SET head = head + 1
            WHERE account_id = ${toAccount} AND stream_id = ${to} RETURNING head::text`;
          const target = Number(h?.['head']);
          if (keep) {
            await tx`INSERT INTO events (account_id, stream_id, seq, event_id, data)
              SELECT ${toAccount}, ${to}, ${target}, event_id, data FROM events
              WHERE account_id = ${fromAccount} AND stream_id = ${from} AND seq = ${seq}`;
          } else {
            await tx`UPDATE events SET stream_id = ${to}, seq = ${target}
              WHERE account_id = ${fromAccount} AND stream_id = ${from} AND seq = ${seq}`;
          }
          return target;
        });
      };
      const movedSeq = await move(
        E[0].accountId,
        streamOf(e1, 'notes'),
        4,
        E[0].accountId,
        streamOf(e1, 'habits'),
        false,
      );
      const foreignSeq = await move(
        E[0].accountId,
        streamOf(e1, 'notes'),
        5,
        F[0].accountId,
        streamOf(f1, 'notes'),
        true,
      );

      // Fresh devices pull everything from the relay.
      const e2 = await open(E[1], K_MASTER, 2);
      const f2 = await open(F[1], K_F, 5);
      devices.push(e2, f2);
      await waitUntil('E2 to pull', () => e2.idle && e2.problems.length > 0, 60_000);
      await waitUntil('F2 to pull', () => f2.idle && f2.problems.length > 0, 60_000);
      const authFailure = (d: FaultDevice, doc: string, seq: number) =>
        d.problems.some(
          (p) =>
            p.kind === 'record' &&
            p.doc === doc &&
            p.seq === seq &&
            p.code === 'authentication-failed',
        );
      expect(authFailure(e2, 'habits', movedSeq)).toBe(true);
      expect(authFailure(f2, 'notes', foreignSeq)).toBe(true);
      // Nothing of the moved records was applied anywhere.
      expect(keysOf(e2, 'habits')).toEqual(keysOf(e1, 'habits'));
      expect(keysOf(f2, 'notes')).toEqual(keysOf(f1, 'notes'));
      expect(keysOf(e2, 'notes').length).toBeLessThan(keysOf(e1, 'notes').length);

      // Replays: the same event pushed again (same id), and the same sealed
      // bytes stored again under new ids by the relay.
      const raw = await connected(E[2]);
      const old =
        await db()`SELECT encode(event_id, 'base64') e, encode(data, 'base64') d, seq::text s
        FROM events WHERE account_id = ${E[0].accountId} AND stream_id = ${streamOf(e1, 'habits')}
        ORDER BY seq LIMIT 3`;
      const before = (await snapshot(E[0].accountId)).events.length;
      // Postgres wraps base64 at 76 characters.
      const dataOf = (row: Record<string, unknown>): string => String(row['d']).replace(/\s/g, '');
      for (const row of old) {
        const again = await raw.client.push(
          toBase64(streamOf(e1, 'habits')),
          String(row['e']),
          dataOf(row),
        );
        expect(again.ok && again.value.duplicate && again.value.seq === Number(row['s'])).toBe(
          true,
        );
      }
      expect((await snapshot(E[0].accountId)).events.length).toBe(before);
      const headsBefore = [e1, e2].map((d) =>
        JSON.stringify([d.store.heads('notes'), d.store.heads('habits')]),
      );
      const problemsBefore = e2.problems.length;
      for (const row of old) {
        const fresh = await raw.client.push(
          toBase64(streamOf(e1, 'habits')),
          toBase64(randomBytes(16)),
          dataOf(row),
        );
        expect(fresh.ok && !fresh.value.duplicate).toBe(true);
      }
      // The devices get them by fan-out; a reconnect pulls them too.
      e2.engine.setNetwork(false);
      e2.engine.setNetwork(true);
      await waitUntil(
        'E2 to catch up',
        () => e2.idle && e2.replica.cursor(toBase64(streamOf(e1, 'habits'))) >= movedSeq + 3,
        60_000,
      );
      await waitUntil('E1 to catch up', () => e1.idle, 60_000);
      expect(
        [e1, e2].map((d) => JSON.stringify([d.store.heads('notes'), d.store.heads('habits')])),
      ).toEqual(headsBefore);
      expect(e2.problems.length).toBe(problemsBefore);
      report('attacks: hostile relay', {
        movedWithinAccount: 1,
        movedAcrossAccounts: 1,
        authFailuresReported: 2,
        replayedSameId: old.length,
        replayedNewId: old.length,
        stateChanged: 0,
      });
    } finally {
      for (const d of devices) await d.close();
    }
  });
});
