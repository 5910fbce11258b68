/**
 * In-process fan-out: the authenticated sessions of this process, by account.
 * A frame is serialised once by the caller and handed to every other device
 * of the same account; never to the sending device, never to another account.
 */
import type { ErrorCode } from '@cairn/shared';

export interface HubPeer {
  readonly accountId: string;
  readonly deviceId: string;
  /** Sends a frame, or closes the socket if it is too far behind. */
  deliver(frame: string): void;
  /** Sends an `error` with this code, then closes the socket with `closeCode`. */
  kick(code: ErrorCode, message: string, closeCode: number): void;
}

export class Hub {
  private readonly accounts = new Map<string, Set<HubPeer>>();

  add(peer: HubPeer): void {
    let set = this.accounts.get(peer.accountId);
    if (set === undefined) {
      set = new Set();
      this.accounts.set(peer.accountId, set);
    }
    set.add(peer);
  }

  remove(peer: HubPeer): void {
    const set = this.accounts.get(peer.accountId);
    if (set === undefined) return;
    set.delete(peer);
    if (set.size === 0) this.accounts.delete(peer.accountId);
  }

  has(accountId: string): boolean {
    return this.accounts.has(accountId);
  }

  /** Whether another session of the same device is still connected here. */
  hasDevice(accountId: string, deviceId: string): boolean {
    return this.countDevice(accountId, deviceId) > 0;
  }

  /** Whether a device of the account other than `deviceId` is connected here. */
  hasOther(accountId: string, deviceId: string): boolean {
    for (const p of this.accounts.get(accountId) ?? []) if (p.deviceId !== deviceId) return true;
    return false;
  }

  /** Sessions of this device connected here (bounded by `maxSocketsPerDevice`). */
  countDevice(accountId: string, deviceId: string): number {
    let n = 0;
    for (const p of this.accounts.get(accountId) ?? []) if (p.deviceId === deviceId) n++;
    return n;
  }

  /** Sends `frame` to the account's devices other than `fromDevice`; returns how many got it. */
  fanOut(accountId: string, fromDevice: string, frame: string): number {
    const set = this.accounts.get(accountId);
    if (set === undefined) return 0;
    let n = 0;
    for (const p of [...set]) {
      if (p.deviceId === fromDevice) continue;
      p.deliver(frame);
      n++;
    }
    return n;
  }

  /** Closes every session of a revoked device. */
  revoke(accountId: string, deviceId: string, closeCode: number): void {
    for (const p of [...(this.accounts.get(accountId) ?? [])]) {
      if (p.deviceId === deviceId) p.kick('revoked', 'this device was revoked', closeCode);
    }
  }

  all(): HubPeer[] {
    return [...this.accounts.values()].flatMap((s) => [...s]);
  }
}
