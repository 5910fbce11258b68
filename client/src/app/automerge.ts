/**
 * Initialises the one Automerge instance of the browser bundle. vite.config.ts maps
 * '@automerge/automerge' to its slim entry, whose WASM must be loaded explicitly; the file
 * is emitted as an asset and precached by the service worker, so this works offline.
 */
import * as Automerge from '@automerge/automerge/slim';
import wasmUrl from '@automerge/automerge/automerge.wasm?url';

let ready: Promise<void> | undefined;

export function initAutomerge(): Promise<void> {
  ready ??= Automerge.isWasmInitialized() ? Promise.resolve() : Automerge.initializeWasm(wasmUrl);
  return ready;
}
