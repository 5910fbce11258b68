/**
 * Ending a pairing from either side, at any stage: "they don't match", cancel,
 * a failure. The state's secrets become unreachable and the returned message
 * tells the other device; it is unauthenticated, since all it can do is end a
 * pairing, which whoever forwards the messages can do anyway.
 */
import { PAIRING_VERSION, type PairAbort, type PairAbortReason } from './messages.js';
import type { JoinerComparing, JoinerConfirmed, JoinerWaiting } from './joiner.js';
import {
  closed,
  type OfferorConfirming,
  type OfferorWaiting,
  type PairingClosed,
} from './offeror.js';
import { forget } from './secrets.js';

export function abortPairing(
  state:
    | OfferorWaiting
    | OfferorConfirming
    | JoinerWaiting
    | JoinerComparing
    | JoinerConfirmed
    | PairingClosed,
  reason: PairAbortReason,
): { message: PairAbort; state: PairingClosed } {
  forget(state);
  return {
    message: { type: 'pair-abort', v: PAIRING_VERSION, reason },
    state: closed(state.role, 'aborted'),
  };
}
