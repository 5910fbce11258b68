/**
 * Per-stream cursors (see replica.ts): the highest seq applied here.
 * A cursor only moves forward. An acknowledged event of this device's own
 * that directly follows the cursor moves it too, since its content is here
 * already; own seqs further ahead wait until the gap before them is filled.
 * Moves are persisted in the background, many in one write: a crash before
 * the write only means some events are pulled again, which has no effect.
 *
 * Own acknowledged seqs are also kept as runs, for `cover`: a compaction
 * snapshot holds every change made here before it, so it covers its cursor
 * at the time it was taken plus the own events acknowledged right after it,
 * though the cursor itself may since have moved on past remote events the
 * snapshot does not hold.
 */

/** Runs kept per stream; the oldest go first (a cover then stops short, which is safe). */
const MAX_OWN_RUNS = 64;

export class Cursors {
  private readonly seqs = new Map<string, number>();
  private readonly ownAcked = new Map<string, Set<number>>();
  private readonly dirty = new Map<string, number>();
  /** Own acknowledged seqs per stream as sorted, disjoint, non-adjacent [first, last] runs. */
  private readonly ownRuns = new Map<string, [number, number][]>();

  constructor(private readonly persist: (write: () => ReadonlyMap<string, number>) => void) {}

  get(stream: string): number {
    return this.seqs.get(stream) ?? 0;
  }

  /** Takes persisted values (never moving a cursor back). */
  load(saved: ReadonlyMap<string, number>): void {
    for (const [stream, seq] of saved) this.seqs.set(stream, Math.max(seq, this.get(stream)));
  }

  clear(): void {
    this.seqs.clear();
    this.ownAcked.clear();
    this.ownRuns.clear();
    this.dirty.clear();
  }

  /** Everything up to `to` is applied here. */
  advance(stream: string, to: number): void {
    let cursor = Math.max(this.get(stream), to);
    const own = this.ownAcked.get(stream);
    while (own?.delete(cursor + 1) === true) cursor += 1;
    if (own !== undefined) for (const seq of own) if (seq <= cursor) own.delete(seq);
    if (cursor === this.get(stream)) return;
    this.seqs.set(stream, cursor);
    const first = this.dirty.size === 0;
    this.dirty.set(stream, cursor);
    if (!first) return;
    this.persist(() => {
      const batch = new Map(this.dirty);
      this.dirty.clear();
      return batch;
    });
  }

  /** The relay stored one of this device's own events at `seq`. */
  acked(stream: string, seq: number): void {
    let own = this.ownAcked.get(stream);
    if (own === undefined) {
      own = new Set();
      this.ownAcked.set(stream, own);
    }
    own.add(seq);
    this.addOwnRun(stream, seq);
    this.advance(stream, this.get(stream));
  }

  /**
   * The highest seq a snapshot taken at cursor `from` covers: `from`, moved on
   * through the own acknowledged events that directly follow it.
   */
  cover(stream: string, from: number): number {
    let covered = from;
    for (const [first, last] of this.ownRuns.get(stream) ?? []) {
      if (first > covered + 1) break;
      covered = Math.max(covered, last);
    }
    return covered;
  }

  private addOwnRun(stream: string, seq: number): void {
    const runs = this.ownRuns.get(stream) ?? [];
    this.ownRuns.set(stream, runs);
    const at = runs.findIndex(([, last]) => last >= seq - 1);
    const run = runs[at];
    if (run === undefined) runs.push([seq, seq]);
    else if (run[0] > seq + 1) runs.splice(at, 0, [seq, seq]);
    else {
      run[0] = Math.min(run[0], seq);
      run[1] = Math.max(run[1], seq);
      const next = runs[at + 1];
      if (next !== undefined && next[0] <= run[1] + 1) {
        run[1] = Math.max(run[1], next[1]);
        runs.splice(at + 1, 1);
      }
    }
    if (runs.length > MAX_OWN_RUNS) runs.shift();
  }
}
