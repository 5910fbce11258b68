/**
 * Performance marks for the benchmarks (bench/cold-start.ts reads them with
 * `performance.getEntriesByName`): measurement hooks only, no behaviour.
 */

/** The first time the Today view is rendered after a page load. */
export const TODAY_RENDERED_MARK = 'cairn:today-rendered';

/** WASM compiled, K_master read and the storage worker started: loading can begin (boot/compose.ts). */
export const STORE_READY_MARK = 'cairn:store-ready';

/** Every document has been loaded from its log (boot/compose.ts). */
export const DOCUMENTS_LOADED_MARK = 'cairn:documents-loaded';

/** Sets `name` once per page load. */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}
