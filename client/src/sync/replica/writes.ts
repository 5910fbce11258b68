/**
 * Writes to the sync store run in the background, one at a time, in order
 * (queue entries, known ids, cursors), so nothing here makes the app wait and
 * a later write never overtakes an earlier one.
 */
export class SerialWrites {
  private writes: Promise<void> = Promise.resolve();

  /** Runs `task` after every write queued before it. */
  run(task: () => Promise<void>): void {
    this.writes = this.writes.then(task).catch((e: unknown) => {
      // A thrown error here is a defect (expected failures are values): surface it.
      queueMicrotask(() => {
        throw e;
      });
    });
  }

  /** Resolves once every write queued so far is done. */
  async idle(): Promise<void> {
    for (;;) {
      const writes = this.writes;
      await writes;
      if (writes === this.writes) return;
    }
  }
}
