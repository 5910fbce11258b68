/**
 * Nothing secret in the relay's logs, even when storage fails: the database
 * is made to fail (a trigger that raises on insert, a table renamed away)
 * under a push, a recovery put, a recovery restore, a pairing offer and a
 * pairing lookup, on PGlite and on Postgres. Each call must be answered
 * `unavailable` and logged at error level, and the log, all of it, must hold
 * none of the values the call carried: the ciphertext, the recovery id (hex
 * and base64), blob, restore key and signature, the lookup key and the
 * offer's keys. The drivers attach exactly these (PGlite: `query` and
 * `params`; Postgres: `detail` and the like) to their errors; relay/src/ops/log.ts
 * keeps only type, code, message and stack.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  buildRecoveryPut,
  createPairingOffer,
  encodePairOffer,
  buildRecoveryRestore,
  generatePhrase,
  recoveryCredentials,
  recoveryPath,
  recoveryRestorePath,
  sealRecoveryBlobWithKeys,
  toBase64,
  toHex,
} from '@cairn/shared';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/db.js';
import { openStore, type StoreConfig } from '../../src/store/index.js';
import type { RelayStore } from '../../src/store/types.js';
import { connectDevice } from '../../../testkit/src/protocol-device.js';
import { b64Id, identity } from '../../../testkit/src/identities.js';
import { lookup, offerorSocket } from '../support/pairing-client.js';
import { freshDatabase, postgresUrl } from '../support/pg.js';
import { startRelay, type RunningRelay } from '../../../testkit/src/relay.js';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const FAIL_FUNCTION = `
  CREATE OR REPLACE FUNCTION cairn_injected_failure() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'injected storage failure'; END $$;`;
const failInserts = (table: string): string =>
  `CREATE TRIGGER injected_${table} BEFORE INSERT ON ${table}
   FOR EACH ROW EXECUTE FUNCTION cairn_injected_failure();`;

/** Runs SQL beside the relay: on its own PGlite, or on the Postgres database. */
type Sql = (text: string) => Promise<void>;

async function backends(): Promise<
  { name: string; config: () => Promise<{ store?: RelayStore; database: StoreConfig; sql: Sql }> }[]
> {
  return [
    {
      name: 'PGlite',
      config: async () => {
        const store = await openStore({ kind: 'pglite' });
        cleanups.push(() => store.close());
        // The store's own database handle: PGlite is one process per database.
        const db = Reflect.get(store, 'db') as Database;
        return { store, database: { kind: 'pglite' }, sql: (text) => db.exec(text) };
      },
    },
    {
      name: 'Postgres',
      config: async () => {
        const db = await freshDatabase(postgresUrl());
        const admin = postgres(db.url, { max: 1, onnotice: () => {} });
        cleanups.push(async () => {
          await admin.end();
          await db.drop();
        });
        return {
          database: { kind: 'postgres', url: db.url },
          sql: async (text) => {
            await admin.unsafe(text);
          },
        };
      },
    },
  ];
}

const A1 = identity(120, 1);

for (const backend of await backends()) {
  describe(`no secret in the logs when storage fails: ${backend.name}`, () => {
    it('logs what failed, and none of the values it carried', async () => {
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const { store, database, sql } = await backend.config();
      const r: RunningRelay = await startRelay(database, {
        ...(store === undefined ? {} : { store }),
        logger: { level: 'debug', stream },
        limits: { registerPerMinute: 1000 },
      });
      cleanups.push(() => r.close());
      await r.app.relay.store.registerAccount(A1.accountId, {
        deviceId: A1.deviceId,
        signingKey: toBase64(A1.signing.publicKey),
        boxKey: toBase64(A1.box.publicKey),
        label: A1.label,
      });
      const secrets: string[] = [];
      const keep = (bytes: Uint8Array): void => {
        secrets.push(toBase64(bytes), toHex(bytes), toBase64(bytes).slice(8, 40));
      };

      await sql(FAIL_FUNCTION);
      for (const t of ['events', 'recovery_blobs', 'pairing_offers']) await sql(failInserts(t));

      // A push: its ciphertext.
      const device = await connectDevice(r.base, A1);
      cleanups.push(async () => device.ws.terminate());
      const sealed = randomBytes(4096);
      sealed[0] = 1;
      keep(sealed);
      const pushed = await device.client.push(b64Id(32, 0x12), b64Id(16, 0x34), toBase64(sealed));
      expect(!pushed.ok && pushed.error.code).toBe('unavailable');

      // A recovery put: the recovery id, blob, restore key and signature.
      const creds = recoveryCredentials(generatePhrase(randomBytes(16)));
      const blob = sealRecoveryBlobWithKeys(creds, randomBytes(32), A1.accountId);
      for (const b of [creds.recoveryId, blob, creds.restoreKey.publicKey]) keep(b);
      const put = buildRecoveryPut(
        { accountId: A1.accountId, deviceId: A1.deviceId, signing: A1.signing },
        creds.recoveryId,
        blob,
        creds.restoreKey.publicKey,
        Date.now(),
      );
      secrets.push(put.signature);
      const putRes = await fetch(`${r.base}${recoveryPath(toHex(creds.recoveryId))}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(put),
      });
      expect(putRes.status).toBe(503);

      // A pairing offer: the lookup key and the offer's public values.
      const sa = await offerorSocket(r.base, A1);
      cleanups.push(async () => sa.ws.terminate());
      const created = createPairingOffer({ now: Date.now() });
      const key = toBase64(created.lookupKey);
      for (const b of [created.lookupKey, created.offer.mlkem, created.offer.x25519]) keep(b);
      sa.send({
        type: 'pairing-open',
        lookupKey: key,
        offer: encodePairOffer(created.offer),
        ttlMs: 600_000,
      });
      expect(await sa.next()).toMatchObject({ type: 'error', code: 'unavailable' });

      // Reads of a table that is gone: a restore (by recovery id) and a pairing lookup (by key).
      await sql('ALTER TABLE recovery_blobs RENAME TO recovery_blobs_gone');
      await sql('ALTER TABLE pairing_offers RENAME TO pairing_offers_gone');
      const restore = buildRecoveryRestore(creds.restoreKey, creds.recoveryId, {
        deviceId: identity(120, 2).deviceId,
        signingKey: identity(120, 2).signing.publicKey,
        boxKey: identity(120, 2).box.publicKey,
        label: 'restored',
      });
      secrets.push(restore.signature);
      const restored = await fetch(`${r.base}${recoveryRestorePath(toHex(creds.recoveryId))}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(restore),
      });
      expect(restored.status).toBe(503);
      const looked = await lookup(r.base, key);
      expect(looked.status).toBe(503);

      await new Promise((res) => setTimeout(res, 100));
      const log = lines.join('');
      // The failures were logged, as errors with a message...
      const errors = lines.map(
        (l) => JSON.parse(l) as { level: number; err?: { message?: string } },
      );
      const failed = errors.filter((e) => e.level >= 50 && e.err !== undefined);
      expect(failed.length).toBeGreaterThanOrEqual(5);
      expect(failed.some((e) => /injected storage failure/.test(e.err?.message ?? ''))).toBe(true);
      expect(failed.some((e) => /does not exist/.test(e.err?.message ?? ''))).toBe(true);
      // ...and none of the values they carried, in any form.
      for (const secret of secrets) expect(log, 'a secret in the log').not.toContain(secret);
      expect(log).not.toMatch(/"(query|params|parameters|detail)":/);
    });
  });
}
