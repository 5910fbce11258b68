/**
 * The one place libsodium is loaded. `ready()` must resolve before any other
 * function of this package runs; calling one earlier is a bug and throws.
 */
import _sodium from 'libsodium-wrappers-sumo';

let instance: typeof _sodium | undefined;

export async function ready(): Promise<void> {
  await _sodium.ready;
  instance = _sodium;
}

export function sodium(): typeof _sodium {
  if (instance === undefined)
    throw new Error('@cairn/shared: await ready() before using the crypto core');
  return instance;
}
