/**
 * Initialises the one Automerge instance of the browser bundle. vite.config.ts maps
 * '@automerge/automerge' to its slim entry, whose WASM must be loaded explicitly; the file
 * is emitted as an asset and precached by the service worker, so this works offline.
 */
import * as Automerge from '@automerge/automerge/slim';
import wasmUrl from '@automerge/automerge/automerge.wasm?url';

let ready: Promise<void> | undefined;

/**
 * `fetched`: the WASM file's response when the page asked for it already, alongside
 * the app's code (boot/main.tsx), rather than after that code has arrived.
 */
export function initAutomerge(fetched?: Promise<Response>): Promise<void> {
  ready ??= Automerge.isWasmInitialized()
    ? Promise.resolve()
    : Automerge.initializeWasm(
        // wasm-bindgen's init also takes a response (or its promise) and compiles it as it
        // streams in (WebAssembly.instantiateStreaming); Automerge's type names only bytes,
        // a Request or a URL.
        fetched === undefined ? wasmUrl : (fetched as unknown as Promise<Uint8Array>),
      );
  return ready;
}
