/**
 * Per-stream cursors (see engine.ts "Cursors"): the highest seq applied here.
 * A cursor only moves forward. An acknowledged event of this device's own
 * that directly follows the cursor moves it too, since its content is here
 * already; own seqs further ahead wait until the gap before them is filled.
 * Moves are persisted in the background, many in one write: a crash before
 * the write only means some events are pulled again, which has no effect.
 */

export class Cursors {
  private readonly seqs = new Map<string, number>();
  private readonly ownAcked = new Map<string, Set<number>>();
  private readonly dirty = new Map<string, number>();

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
    this.advance(stream, this.get(stream));
  }
}
