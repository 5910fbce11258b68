/**
 * Adopting an account, one use case for pairing and recovery alike: sync is
 * stopped first (no connection may push or apply under the key being
 * replaced), then the device replaces K_master, removes the logs sealed
 * under the old key, resets the relay state and saves the account
 * (Device.adopt). The caller reloads after, so everything opens anew.
 */
import type { Adopt, Device } from '../device/device';

export function adopter(parts: {
  readonly stopSync: () => Promise<void>;
  readonly device: Pick<Device, 'adopt'>;
}): Adopt {
  return async (account) => {
    await parts.stopSync();
    return parts.device.adopt(account);
  };
}
