/**
 * A value with change notifications, shaped for React's useSyncExternalStore:
 * `get` returns the same object until the value changes.
 */
export class Watchable<T> {
  private readonly listeners = new Set<() => void>();

  constructor(private current: T) {}

  protected get value(): T {
    return this.current;
  }

  readonly get = (): T => this.current;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  protected set(next: T): void {
    this.current = next;
    for (const l of [...this.listeners]) l();
  }
}
