/** The problems sync met, newest last, kept to a bounded number and passed on as they come. */
import type { SyncProblem } from './ports';

const MAX_PROBLEMS = 100;

export class Problems {
  readonly list: SyncProblem[] = [];

  constructor(private readonly onProblem?: (problem: SyncProblem) => void) {}

  report(problem: SyncProblem): void {
    this.list.push(problem);
    if (this.list.length > MAX_PROBLEMS) this.list.shift();
    this.onProblem?.(problem);
  }
}
