/**
 * The SQL core shared by the PGlite and Postgres stores.
 *
 * Push path (`append`), one transaction per batch:
 *   1. lock the batch's account rows FOR UPDATE, in id order (one writer per
 *      account at a time, across processes, without deadlocks);
 *   2. read the streams' heads and the events already stored under the batch's ids;
 *   3. in JS: duplicates get their stored seq; new events get head+1, head+2…
 *      (no gaps: a seq is only handed out to a row inserted in this transaction);
 *      quota and snapshot `coversSeq` are checked per event;
 *   4. one multi-row INSERT of events, one upsert of heads, one quota update,
 *      and (Postgres) NOTIFYs, which Postgres delivers only on COMMIT.
 * Rows travel as one JSON parameter (json_to_recordset), the same in both drivers.
 */
import { base64Length } from '@cairn/shared';
import { DEVICE_ROW_BYTES, migrations, MIGRATIONS_TABLE } from './migrations.js';
import { num, numOrNull, str, type Database, type Db, type Row } from './db.js';
import {
  accountRecovery,
  applyDueRecovery,
  cancelRecovery,
  deleteRecovery,
  getRecovery,
  putRecovery,
  relaySecret,
} from './recovery-sql.js';

/** No delay: a recovery change acts at once (tests and tools call the store without timing). */
const immediately = () => ({
  now: Date.now(),
  delayMs: 0,
  deviceId: '00000000-0000-4000-8000-000000000000',
});
import type {
  AddDeviceOutcome,
  AppendOptions,
  DeviceLimits,
  BootstrapPage,
  DeviceRecord,
  EventPage,
  NewDevice,
  PageBounds,
  PushItem,
  PushOutcome,
  AccountRecovery,
  RecoveryCancelOutcome,
  RecoveryDeleteOutcome,
  RecoveryPutOutcome,
  RecoveryRecord,
  RecoveryTiming,
  RegisterOutcome,
  RevokeOutcome,
  StoredEvent,
  StoredRecovery,
  StreamInfo,
} from './types.js';

export const NOTIFY_CHANNEL = 'cairn_relay';
/** Rows with more base64 than this are inserted one by one, as a text parameter. */
const LARGE_ROW_CHARS = 64 * 1024;
/** Postgres caps a NOTIFY payload at 8000 bytes; stay well under. */
const NOTIFY_MAX = 6000;
const MIGRATION_LOCK = 0x636169726e; // "cairn"

const B64 = (col: string): string => `translate(encode(${col}, 'base64'), E'\\n', '')`;
const MS = (col: string): string => `floor(extract(epoch from ${col}) * 1000)::float8`;
const EVENT_COLUMNS = `seq::float8 AS seq, encode(event_id, 'base64') AS e, ${B64('data')} AS d, covers_seq::float8 AS c`;

export async function migrate(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await tx.exec(MIGRATIONS_TABLE);
    const done = new Set(
      (await tx.query('SELECT version::float8 AS v FROM schema_migrations')).map((r) =>
        num(r, 'v'),
      ),
    );
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1::int, $2)', [
        m.version,
        m.name,
      ]);
    }
  });
}

function eventOf(row: Row): StoredEvent {
  const e: StoredEvent = { seq: num(row, 'seq'), eventId: str(row, 'e'), data: str(row, 'd') };
  const c = numOrNull(row, 'c');
  if (c !== null) e.coversSeq = c;
  return e;
}

function deviceOf(row: Row): DeviceRecord {
  return {
    deviceId: str(row, 'id'),
    signingKey: str(row, 'sk'),
    boxKey: str(row, 'bk'),
    label: str(row, 'label'),
    createdAt: num(row, 'created'),
    lastSeenAt: numOrNull(row, 'seen'),
    revokedAt: numOrNull(row, 'revoked'),
  };
}

const DEVICE_COLUMNS = `id::text AS id, encode(signing_key, 'base64') AS sk, encode(box_key, 'base64') AS bk,
  label, ${MS('created_at')} AS created, ${MS('last_seen_at')} AS seen, ${MS('revoked_at')} AS revoked`;

interface NewRow {
  a: string;
  s: string;
  q: number;
  e: string;
  d: string;
  c: number | null;
  dev: string;
}

export class SqlCore {
  constructor(
    private readonly db: Database,
    /** Set on Postgres: the id other processes use to skip their own notices. */
    private readonly notifyAs: string | undefined,
  ) {}

  async registerAccount(accountId: string, first: NewDevice): Promise<RegisterOutcome> {
    return this.db.transaction(async (tx) => {
      const made = await tx.query(
        `INSERT INTO accounts (id, bytes_used) VALUES ($1::uuid, ${DEVICE_ROW_BYTES})
         ON CONFLICT DO NOTHING RETURNING id::text AS id`,
        [accountId],
      );
      if (made.length === 1) {
        await this.insertDevice(tx, accountId, first);
        return 'created';
      }
      const existing = await this.deviceIn(tx, accountId, first.deviceId);
      return existing !== undefined && sameKeys(existing, first) ? 'same' : 'conflict';
    });
  }

  async addDevice(
    accountId: string,
    device: NewDevice,
    limits?: DeviceLimits,
  ): Promise<AddDeviceOutcome> {
    return this.db.transaction(async (tx) => {
      // The account row is locked: two additions cannot both take the last free place.
      const account = await tx.query(
        `SELECT bytes_used::float8 AS used,
           (SELECT count(*) FROM devices d WHERE d.account_id = a.id)::float8 AS n
         FROM accounts a WHERE a.id = $1::uuid FOR UPDATE`,
        [accountId],
      );
      const row = account[0];
      if (row === undefined) return 'no-account';
      const existing = await this.deviceIn(tx, accountId, device.deviceId);
      if (existing !== undefined) return sameKeys(existing, device) ? 'same' : 'conflict';
      if (limits !== undefined) {
        if (num(row, 'n') >= limits.maxDevices) return 'too-many';
        if (num(row, 'used') + DEVICE_ROW_BYTES > limits.quotaBytes) return 'quota';
      }
      await this.insertDevice(tx, accountId, device);
      await tx.query(
        `UPDATE accounts SET bytes_used = bytes_used + ${DEVICE_ROW_BYTES} WHERE id = $1::uuid`,
        [accountId],
      );
      return 'created';
    });
  }

  getDevice(accountId: string, deviceId: string): Promise<DeviceRecord | undefined> {
    return this.deviceIn(this.db, accountId, deviceId);
  }

  async listDevices(accountId: string): Promise<DeviceRecord[]> {
    const rows = await this.db.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE account_id = $1::uuid ORDER BY created_at, id`,
      [accountId],
    );
    return rows.map(deviceOf);
  }

  async relabelDevice(accountId: string, deviceId: string, label: string): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE devices SET label = $3 WHERE account_id = $1::uuid AND id = $2::uuid RETURNING 1 AS one',
      [accountId, deviceId, label],
    );
    return rows.length === 1;
  }

  async revokeDevice(accountId: string, deviceId: string): Promise<RevokeOutcome> {
    return this.db.transaction(async (tx) => {
      // Locked like a push: two devices revoking each other cannot both succeed.
      const account = await tx.query(
        'SELECT 1 AS one FROM accounts WHERE id = $1::uuid FOR UPDATE',
        [accountId],
      );
      if (account.length === 0) return 'not-found';
      const target = await this.deviceIn(tx, accountId, deviceId);
      if (target === undefined) return 'not-found';
      if (target.revokedAt === null) {
        const active = await tx.query(
          `SELECT count(*)::float8 AS n FROM devices
           WHERE account_id = $1::uuid AND revoked_at IS NULL AND id <> $2::uuid`,
          [accountId, deviceId],
        );
        if (num(active[0] ?? {}, 'n') === 0) return 'last-device';
      }
      await tx.query(
        `UPDATE devices SET revoked_at = COALESCE(revoked_at, now())
         WHERE account_id = $1::uuid AND id = $2::uuid`,
        [accountId, deviceId],
      );
      if (this.notifyAs !== undefined) {
        const payload = JSON.stringify({ k: 'r', i: this.notifyAs, a: accountId, d: deviceId });
        await tx.query('SELECT count(pg_notify($1, $2))::float8 AS n', [NOTIFY_CHANNEL, payload]);
      }
      return 'revoked';
    });
  }

  async touchDevice(accountId: string, deviceId: string): Promise<void> {
    await this.db.query(
      'UPDATE devices SET last_seen_at = now() WHERE account_id = $1::uuid AND id = $2::uuid',
      [accountId, deviceId],
    );
  }

  async append(items: readonly PushItem[], options: AppendOptions): Promise<PushOutcome[]> {
    if (items.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const accountIds = [...new Set(items.map((i) => i.accountId))];
      const used = new Map<string, number>();
      for (const r of await tx.query(
        `SELECT id::text AS id, bytes_used::float8 AS used FROM accounts
         WHERE id IN (SELECT value::uuid FROM json_array_elements_text($1::text::json))
         ORDER BY id FOR UPDATE`,
        [JSON.stringify(accountIds)],
      )) {
        used.set(str(r, 'id'), num(r, 'used'));
      }

      const streamKeys = new Map<string, { a: string; s: string }>();
      for (const i of items)
        streamKeys.set(`${i.accountId}|${i.streamId}`, { a: i.accountId, s: i.streamId });
      const heads = new Map<string, number>();
      for (const r of await tx.query(
        `SELECT st.account_id::text AS a, encode(st.stream_id, 'base64') AS s, st.head::float8 AS head
         FROM streams st JOIN json_to_recordset($1::text::json) AS k(a uuid, s text)
           ON st.account_id = k.a AND st.stream_id = decode(k.s, 'base64')`,
        [JSON.stringify([...streamKeys.values()])],
      )) {
        heads.set(`${str(r, 'a')}|${str(r, 's')}`, num(r, 'head'));
      }

      // Streams per account, read only when the batch would start a new one.
      const streamCount = new Map<string, number>();
      const opensStream = [...streamKeys.keys()].some((k) => !heads.has(k));
      if (options.maxStreams !== undefined && opensStream) {
        for (const r of await tx.query(
          `SELECT account_id::text AS a, count(*)::float8 AS n FROM streams
           WHERE account_id IN (SELECT value::uuid FROM json_array_elements_text($1::text::json))
           GROUP BY account_id`,
          [JSON.stringify(accountIds)],
        )) {
          streamCount.set(str(r, 'a'), num(r, 'n'));
        }
      }

      const stored = new Map<string, number>();
      for (const r of await tx.query(
        `SELECT ev.account_id::text AS a, encode(ev.stream_id, 'base64') AS s,
                encode(ev.event_id, 'base64') AS e, ev.seq::float8 AS seq
         FROM events ev JOIN json_to_recordset($1::text::json) AS k(a uuid, s text, e text)
           ON ev.account_id = k.a AND ev.stream_id = decode(k.s, 'base64')
          AND ev.event_id = decode(k.e, 'base64')`,
        [JSON.stringify(items.map((i) => ({ a: i.accountId, s: i.streamId, e: i.eventId })))],
      )) {
        stored.set(`${str(r, 'a')}|${str(r, 's')}|${str(r, 'e')}`, num(r, 'seq'));
      }

      const outcomes: PushOutcome[] = [];
      const rows: NewRow[] = [];
      for (const i of items) {
        const key = `${i.accountId}|${i.streamId}`;
        const prior = stored.get(`${key}|${i.eventId}`);
        if (prior !== undefined) {
          outcomes.push({ ok: true, seq: prior, duplicate: true });
          continue;
        }
        const known = heads.get(key);
        const head = known ?? 0;
        if (known === undefined && options.maxStreams !== undefined) {
          const n = streamCount.get(i.accountId) ?? 0;
          if (n >= options.maxStreams) {
            outcomes.push({
              ok: false,
              code: 'quota',
              message: `an account has at most ${options.maxStreams} streams`,
            });
            continue;
          }
        }
        if (i.coversSeq !== undefined && i.coversSeq > head) {
          outcomes.push({
            ok: false,
            code: 'bad-cover',
            message: `coversSeq ${i.coversSeq} is beyond the stream head ${head}`,
          });
          continue;
        }
        const before = used.get(i.accountId);
        if (before === undefined)
          throw new Error('append: account row missing for a pushing device');
        if (before + i.bytes > options.quotaBytes) {
          outcomes.push({ ok: false, code: 'quota', message: 'the account storage quota is full' });
          continue;
        }
        const seq = head + 1;
        if (known === undefined)
          streamCount.set(i.accountId, (streamCount.get(i.accountId) ?? 0) + 1);
        heads.set(key, seq);
        used.set(i.accountId, before + i.bytes);
        stored.set(`${key}|${i.eventId}`, seq);
        rows.push({
          a: i.accountId,
          s: i.streamId,
          q: seq,
          e: i.eventId,
          d: i.data,
          c: i.coversSeq ?? null,
          dev: i.deviceId,
        });
        outcomes.push({ ok: true, seq, duplicate: false });
      }

      if (rows.length > 0) await this.write(tx, rows, accountIds, used, heads);
      await options.beforeCommit?.();
      return outcomes;
    });
  }

  private async write(
    tx: Db,
    rows: NewRow[],
    accountIds: string[],
    used: Map<string, number>,
    heads: Map<string, number>,
  ): Promise<void> {
    // Small rows go together as one JSON parameter. A large row goes alone:
    // parsing megabytes of JSON in the database costs twice the decode, so its
    // base64 is a text parameter of its own (Postgres), or its bytes a file
    // the database reads (PGlite, whose parameter encoding is slow; db.ts).
    const small = rows.filter((r) => r.d.length < LARGE_ROW_CHARS);
    if (small.length > 0) {
      await tx.query(
        `INSERT INTO events (account_id, stream_id, seq, event_id, data, covers_seq)
         SELECT x.a, decode(x.s, 'base64'), x.q, decode(x.e, 'base64'), decode(x.d, 'base64'), x.c
         FROM json_to_recordset($1::text::json) AS x(a uuid, s text, q bigint, e text, d text, c bigint)`,
        [JSON.stringify(small.map(({ dev: _dev, ...r }) => r))],
      );
    }
    for (const r of rows) {
      if (r.d.length < LARGE_ROW_CHARS) continue;
      if (tx.queryWithBlob !== undefined) {
        await tx.queryWithBlob(
          `INSERT INTO events (account_id, stream_id, seq, event_id, data, covers_seq)
           VALUES ($1::uuid, decode($2, 'base64'), $3::bigint, decode($4, 'base64'),
                   pg_read_binary_file('/dev/blob'), $5::bigint)`,
          [r.a, r.s, r.q, r.e, r.c],
          Buffer.from(r.d, 'base64'),
        );
        continue;
      }
      await tx.query(
        `INSERT INTO events (account_id, stream_id, seq, event_id, data, covers_seq)
         VALUES ($1::uuid, decode($2, 'base64'), $3::bigint, decode($4, 'base64'),
                 decode($5, 'base64'), $6::bigint)`,
        [r.a, r.s, r.q, r.e, r.d, r.c],
      );
    }
    const touched = new Map<string, { a: string; s: string; h: number }>();
    for (const r of rows) {
      const key = `${r.a}|${r.s}`;
      touched.set(key, { a: r.a, s: r.s, h: heads.get(key) ?? r.q });
    }
    await tx.query(
      `INSERT INTO streams (account_id, stream_id, head)
       SELECT x.a, decode(x.s, 'base64'), x.h FROM json_to_recordset($1::text::json) AS x(a uuid, s text, h bigint)
       ON CONFLICT (account_id, stream_id) DO UPDATE SET head = EXCLUDED.head`,
      [JSON.stringify([...touched.values()])],
    );
    await tx.query(
      `UPDATE accounts SET bytes_used = x.b
       FROM json_to_recordset($1::text::json) AS x(a uuid, b bigint) WHERE accounts.id = x.a`,
      [JSON.stringify(accountIds.map((a) => ({ a, b: used.get(a) ?? 0 })))],
    );
    if (this.notifyAs !== undefined) {
      await tx.query(
        'SELECT count(pg_notify($1, p))::float8 AS n FROM json_array_elements_text($2::text::json) AS p',
        [NOTIFY_CHANNEL, JSON.stringify(notices(this.notifyAs, rows))],
      );
    }
  }

  async pull(
    accountId: string,
    streamId: string,
    after: number,
    bounds: PageBounds,
  ): Promise<EventPage> {
    const head = await this.head(this.db, accountId, streamId);
    return this.page(this.db, accountId, streamId, after, head, -1, bounds);
  }

  async bootstrap(accountId: string, streamId: string, bounds: PageBounds): Promise<BootstrapPage> {
    const head = await this.head(this.db, accountId, streamId);
    const snaps = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE account_id = $1::uuid AND stream_id = decode($2, 'base64')
         AND covers_seq IS NOT NULL AND seq <= $3::bigint
       ORDER BY covers_seq DESC, seq DESC LIMIT 1`,
      [accountId, streamId, head],
    );
    const first = snaps[0];
    if (first === undefined) {
      return { ...(await this.page(this.db, accountId, streamId, 0, head, -1, bounds)), after: 0 };
    }
    const snapshot = eventOf(first);
    const after = snapshot.coversSeq ?? 0;
    const rest = Math.max(0, bounds.maxBytes - base64Length(snapshot.data));
    const page = await this.page(
      this.db,
      accountId,
      streamId,
      after,
      head,
      snapshot.seq,
      { limit: bounds.limit, maxBytes: rest },
      false,
    );
    return { ...page, after, snapshot };
  }

  async range(
    accountId: string,
    streamId: string,
    from: number,
    to: number,
  ): Promise<StoredEvent[]> {
    const rows = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE account_id = $1::uuid AND stream_id = decode($2, 'base64')
         AND seq >= $3::bigint AND seq <= $4::bigint ORDER BY seq`,
      [accountId, streamId, from, to],
    );
    return rows.map(eventOf);
  }

  async listStreams(accountId: string): Promise<StreamInfo[]> {
    const rows = await this.db.query(
      `SELECT encode(st.stream_id, 'base64') AS s, st.head::float8 AS head,
         (SELECT max(ev.covers_seq) FROM events ev
          WHERE ev.account_id = st.account_id AND ev.stream_id = st.stream_id
            AND ev.covers_seq IS NOT NULL)::float8 AS c
       FROM streams st WHERE st.account_id = $1::uuid ORDER BY st.stream_id`,
      [accountId],
    );
    return rows.map((r) => {
      const info: StreamInfo = { streamId: str(r, 's'), head: num(r, 'head') };
      const c = numOrNull(r, 'c');
      if (c !== null) info.snapshotCovers = c;
      return info;
    });
  }

  async bytesUsed(accountId: string): Promise<number> {
    const rows = await this.db.query(
      'SELECT bytes_used::float8 AS b FROM accounts WHERE id = $1::uuid',
      [accountId],
    );
    const row = rows[0];
    return row === undefined ? 0 : num(row, 'b');
  }

  // Recovery blobs: SQL in recovery-sql.ts.
  putRecovery(
    accountId: string,
    record: StoredRecovery,
    signedAt: number,
    timing?: RecoveryTiming,
  ): Promise<RecoveryPutOutcome> {
    return putRecovery(this.db, accountId, record, signedAt, timing ?? immediately());
  }

  deleteRecovery(
    accountId: string,
    recoveryId: string,
    signedAt: number,
    timing?: RecoveryTiming,
  ): Promise<RecoveryDeleteOutcome> {
    return deleteRecovery(this.db, accountId, recoveryId, signedAt, timing ?? immediately());
  }

  cancelRecovery(accountId: string, signedAt: number, now: number): Promise<RecoveryCancelOutcome> {
    return cancelRecovery(this.db, accountId, signedAt, now);
  }

  getRecovery(recoveryId: string, now = Date.now()): Promise<RecoveryRecord | undefined> {
    return getRecovery(this.db, recoveryId, now);
  }

  accountRecovery(accountId: string, now = Date.now()): Promise<AccountRecovery | undefined> {
    return accountRecovery(this.db, accountId, now);
  }

  applyDueRecovery(now: number): Promise<number> {
    return applyDueRecovery(this.db, now);
  }

  relaySecret(name: string, candidate: string): Promise<string> {
    return relaySecret(this.db, name, candidate);
  }

  async health(): Promise<boolean> {
    const rows = await this.db.query('SELECT 1::float8 AS one');
    return rows.length === 1;
  }

  private async head(db: Db, accountId: string, streamId: string): Promise<number> {
    const rows = await db.query(
      `SELECT head::float8 AS head FROM streams WHERE account_id = $1::uuid AND stream_id = decode($2, 'base64')`,
      [accountId, streamId],
    );
    const row = rows[0];
    return row === undefined ? 0 : num(row, 'head');
  }

  /**
   * Events in (after, head], minus `exclude`, at most `limit` of them and at most
   * `maxBytes` of sealed data, except that the first due event always comes
   * (`firstAlways`; a bootstrap page whose snapshot took the budget asks for
   * none). Seqs have no gaps, so "more" means the page stopped before head.
   */
  private async page(
    db: Db,
    accountId: string,
    streamId: string,
    after: number,
    head: number,
    exclude: number,
    bounds: PageBounds,
    firstAlways = true,
  ): Promise<EventPage> {
    const rows =
      after >= head
        ? []
        : await db.query(
            `SELECT p.seq::float8 AS seq, encode(p.event_id, 'base64') AS e, ${B64('p.data')} AS d,
                    p.covers_seq::float8 AS c
             FROM (SELECT q.*, sum(octet_length(q.data)) OVER (ORDER BY q.seq) AS through
                   FROM (SELECT seq, event_id, data, covers_seq FROM events
                         WHERE account_id = $1::uuid AND stream_id = decode($2, 'base64')
                           AND seq > $3::bigint AND seq <= $4::bigint AND seq <> $5::bigint
                         ORDER BY seq LIMIT $6::int) q) p
             WHERE p.through <= $7::bigint
                OR ($8::boolean AND p.through = octet_length(p.data))
             ORDER BY p.seq`,
            [
              accountId,
              streamId,
              after,
              head,
              exclude,
              bounds.limit,
              Math.max(0, bounds.maxBytes),
              firstAlways,
            ],
          );
    const events = rows.map(eventOf);
    const last = events.at(-1)?.seq ?? after;
    // Due after the page: every seq past `last` up to head, the excluded one aside.
    const left = head - last - (exclude > last && exclude <= head ? 1 : 0);
    const hasMore = left > 0;
    return { events, head, hasMore, next: hasMore ? last : Math.max(head, after) };
  }

  private async deviceIn(
    db: Db,
    accountId: string,
    deviceId: string,
  ): Promise<DeviceRecord | undefined> {
    const rows = await db.query(
      `SELECT ${DEVICE_COLUMNS} FROM devices WHERE account_id = $1::uuid AND id = $2::uuid`,
      [accountId, deviceId],
    );
    const row = rows[0];
    return row === undefined ? undefined : deviceOf(row);
  }

  private async insertDevice(db: Db, accountId: string, d: NewDevice): Promise<void> {
    await db.query(
      `INSERT INTO devices (account_id, id, signing_key, box_key, label)
       VALUES ($1::uuid, $2::uuid, decode($3, 'base64'), decode($4, 'base64'), $5)`,
      [accountId, d.deviceId, d.signingKey, d.boxKey, d.label],
    );
  }
}

function sameKeys(a: DeviceRecord, b: NewDevice): boolean {
  return a.signingKey === b.signingKey && a.boxKey === b.boxKey;
}

/** NOTIFY payloads for committed rows: per stream, runs of consecutive seqs by one device. */
export function notices(instance: string, rows: readonly NewRow[]): string[] {
  const byStream = new Map<string, { a: string; s: string; r: [number, number, string][] }>();
  for (const row of rows) {
    const key = `${row.a}|${row.s}`;
    let entry = byStream.get(key);
    if (entry === undefined) {
      entry = { a: row.a, s: row.s, r: [] };
      byStream.set(key, entry);
    }
    const run = entry.r.at(-1);
    if (run !== undefined && run[2] === row.dev && run[1] === row.q - 1) run[1] = row.q;
    else entry.r.push([row.q, row.q, row.dev]);
  }
  const out: string[] = [];
  for (const { a, s, r } of byStream.values()) {
    let chunk: [number, number, string][] = [];
    const flush = (): void => {
      if (chunk.length > 0) out.push(JSON.stringify({ k: 'e', i: instance, a, s, r: chunk }));
      chunk = [];
    };
    for (const run of r) {
      chunk.push(run);
      // A run is ~60 bytes; keep each payload far below Postgres's 8000-byte cap.
      if (chunk.length * 64 > NOTIFY_MAX) flush();
    }
    flush();
  }
  return out;
}
