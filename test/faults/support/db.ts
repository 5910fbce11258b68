/**
 * Reading the relay's tables after a fault run, to check what the relay stored
 * against what the devices were told: every stream's seqs are 1..head with no
 * gap, and no event is stored twice.
 */
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

export type Database = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

export interface EventRow {
  account: string;
  stream: string;
  seq: number;
  eventId: string;
}

export interface Stored {
  events: EventRow[];
  /** `streams.head` by `account|stream`. */
  heads: Map<string, number>;
}

const EVENTS = `SELECT account_id::text AS account, encode(stream_id, 'base64') AS stream,
  seq::text AS seq, encode(event_id, 'base64') AS event_id FROM events
  ORDER BY account_id, stream_id, seq`;
const HEADS = `SELECT account_id::text AS account, encode(stream_id, 'base64') AS stream,
  head::text AS head FROM streams`;

type Row = Record<string, unknown>;

const str = (row: Row, k: string): string => {
  const v = row[k];
  if (typeof v !== 'string') throw new Error(`column ${k} is not text`);
  return v;
};

function shape(events: Row[], heads: Row[]): Stored {
  return {
    events: events.map((r) => ({
      account: str(r, 'account'),
      stream: str(r, 'stream'),
      seq: Number(str(r, 'seq')),
      eventId: str(r, 'event_id'),
    })),
    heads: new Map(
      heads.map((r) => [`${str(r, 'account')}|${str(r, 'stream')}`, Number(str(r, 'head'))]),
    ),
  };
}

/** Reads every event row. A PGlite folder must not be open in a relay at the time. */
export async function readStored(db: Database): Promise<Stored> {
  if (db.kind === 'postgres') {
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const events = await sql.unsafe<Row[]>(EVENTS);
      const heads = await sql.unsafe<Row[]>(HEADS);
      return shape([...events], [...heads]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  const pg = await PGlite.create(db.dataDir);
  try {
    const events = await pg.query<Row>(EVENTS);
    const heads = await pg.query<Row>(HEADS);
    return shape(events.rows, heads.rows);
  } finally {
    await pg.close();
  }
}

export interface StreamCheck {
  streams: number;
  rows: number;
  /** `account|stream` where seqs are not exactly 1..n. */
  gaps: string[];
  /** Event ids stored more than once in a stream. */
  duplicates: string[];
  /** Streams whose `head` is not their highest seq. */
  badHeads: string[];
}

export function checkStreams(stored: Stored): StreamCheck {
  const byStream = new Map<string, EventRow[]>();
  for (const e of stored.events) {
    const k = `${e.account}|${e.stream}`;
    const list = byStream.get(k) ?? [];
    list.push(e);
    byStream.set(k, list);
  }
  const gaps: string[] = [];
  const duplicates: string[] = [];
  const badHeads: string[] = [];
  for (const [k, rows] of byStream) {
    rows.sort((a, b) => a.seq - b.seq);
    if (rows.some((r, i) => r.seq !== i + 1)) gaps.push(k);
    const ids = new Set<string>();
    for (const r of rows) {
      if (ids.has(r.eventId)) duplicates.push(`${k} ${r.eventId}`);
      ids.add(r.eventId);
    }
    if (stored.heads.get(k) !== rows.length) badHeads.push(k);
  }
  return { streams: byStream.size, rows: stored.events.length, gaps, duplicates, badHeads };
}
