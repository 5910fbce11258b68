/**
 * The feature controls `AppModel` aggregates, and the views they give, as
 * the UI names them: ui/ imports only app/.
 */
export type { DeviceInfo } from '@cairn/shared';
export type { NotReady } from '../device/device';
export type {
  DeviceList,
  DevicesControls,
  JoinHandle,
  JoinSecret,
  OfferHandle,
  PairingControls,
} from '../pairing/controls';
export type { JoinView } from '../pairing/join-session';
export type { OfferView } from '../pairing/offer-session';
export type {
  PendingChange,
  RecoveryControls,
  RecoveryView,
  RestoreOutcome,
} from '../recovery/controls';
