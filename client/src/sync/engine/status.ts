/**
 * What the sync engine tells the UI, as one observable value:
 *
 *   off                      sync is not enabled on this device
 *   connecting {queued}      reaching the relay, and no attempt failed since sync was
 *                            turned on, the page opened, the network came back or the
 *                            last connection ended after it was ready
 *   offline {queued}         not connected (no network, relay down, backing off)
 *   syncing {done, total}    connected, catching up: events pulled + pushes acked
 *   synced                   connected, nothing to pull or push
 *   refused {reason}         the relay refused this device; retrying would not help
 */

import type { RefusalReason } from '../session/refusal';

export type { RefusalReason };

export type SyncStatus =
  | { readonly kind: 'off' }
  | { readonly kind: 'connecting'; readonly queued: number }
  | { readonly kind: 'offline'; readonly queued: number }
  | { readonly kind: 'syncing'; readonly done: number; readonly total: number }
  | { readonly kind: 'synced' }
  | { readonly kind: 'refused'; readonly reason: RefusalReason; readonly message: string };

const MESSAGES: Record<RefusalReason, string> = {
  revoked: 'This device was removed from your account. Your data stays here; sync is stopped.',
  quota: 'The relay has no more room for your account. Changes stay on this device.',
  'unknown-device': 'The relay does not recognise this device. Sync is stopped.',
  exists: 'The relay already has an account with this id and other keys. Sync is stopped.',
  version: 'The relay speaks another version of the protocol. Update Cairn or the relay.',
  rejected: 'The relay refused this device.',
};

export function refusal(reason: RefusalReason, detail?: string): SyncStatus {
  const base = MESSAGES[reason];
  return { kind: 'refused', reason, message: detail === undefined ? base : `${base} (${detail})` };
}

/** Whether two statuses read the same (the status observable tells only of changes). */
export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'connecting':
      return b.kind === 'connecting' && a.queued === b.queued;
    case 'offline':
      return b.kind === 'offline' && a.queued === b.queued;
    case 'syncing':
      return b.kind === 'syncing' && a.done === b.done && a.total === b.total;
    case 'refused':
      return b.kind === 'refused' && a.reason === b.reason && a.message === b.message;
    default:
      return true;
  }
}
