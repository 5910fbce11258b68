/**
 * The little a SQL store needs from a driver: parameterised queries returning
 * plain rows, multi-statement scripts, and transactions. PGlite and `postgres`
 * each get a ten-line adapter (pglite.ts, postgres.ts).
 *
 * Numeric columns are selected as float8 and timestamps as epoch milliseconds,
 * so both drivers hand back plain numbers; the row readers below check every
 * value's type, so a schema mistake fails loudly instead of flowing on.
 */

export type Row = Record<string, unknown>;
export type Param = string | number | boolean | null;

export interface Db {
  query(text: string, params?: readonly Param[]): Promise<Row[]>;
  /**
   * PGlite only: runs `text` with `bytes` readable in it as
   * `pg_read_binary_file('/dev/blob')`, handed to the database as a file
   * instead of a parameter (its parameters are serialized by a JavaScript loop
   * over every character, which dominates a 4 MiB push). Undefined on Postgres,
   * whose driver sends a text parameter at wire speed.
   */
  queryWithBlob?(
    text: string,
    params: readonly Param[],
    bytes: Uint8Array<ArrayBuffer>,
  ): Promise<Row[]>;
  /** Runs a script of several statements, without parameters. */
  exec(text: string): Promise<void>;
}

export interface Database extends Db {
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function bad(key: string, want: string, value: unknown): Error {
  return new Error(`storage row: column ${key} is ${typeof value}, expected ${want}`);
}

export function num(row: Row, key: string): number {
  const value = row[key];
  if (typeof value !== 'number') throw bad(key, 'number', value);
  return value;
}

export function numOrNull(row: Row, key: string): number | null {
  const value = row[key];
  if (value === null) return null;
  if (typeof value !== 'number') throw bad(key, 'number or null', value);
  return value;
}

export function str(row: Row, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw bad(key, 'string', value);
  return value;
}
