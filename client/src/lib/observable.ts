/**
 * The client's one observable value. `get` returns the same object until the
 * value changes, as React's useSyncExternalStore requires; `subscribe` hears
 * every change, with the new value; `set` changes the value and tells the
 * listeners, unless `equals` (given at construction; identity by default)
 * finds the new value the same as the current one.
 */
export class Observable<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private value: T,
    private readonly equals: (a: T, b: T) => boolean = Object.is,
  ) {}

  readonly get = (): T => this.value;

  readonly subscribe = (listener: (value: T) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  set(next: T): void {
    if (this.equals(this.value, next)) return;
    this.value = next;
    for (const l of [...this.listeners]) l(next);
  }
}

/** What a reader of an observable may do: read and listen, not set. */
export type ReadonlyObservable<T> = Pick<Observable<T>, 'get' | 'subscribe'>;
