/**
 * The OPFS worker: owns the log files (sync access handles exist only in
 * dedicated workers) and answers `OpfsLogStorage` requests, one at a time, per
 * opfs-protocol.ts. It writes and flushes before it answers.
 */
import * as v from 'valibot';
import { BackedLogStorage } from './backed-log-storage';
import { StorageFault, storageError, type LogStorage, type StorageResult } from './log-storage';
import { OpfsFiles } from './opfs-backend';
import { OpfsRequest, type OpfsResponse } from './opfs-protocol';

declare const self: DedicatedWorkerGlobalScope;

let storage: LogStorage | undefined;

const closedError = { code: 'closed', message: 'the storage is not open' } as const;

async function open(directory: string): Promise<StorageResult<null>> {
  if (storage !== undefined) return { ok: true, value: null };
  const files = await OpfsFiles.open(directory);
  const opened = await BackedLogStorage.openOn(files);
  if (!opened.ok) {
    await files.close();
    return opened;
  }
  storage = opened.value;
  return { ok: true, value: null };
}

const asNull = (r: StorageResult<void>): StorageResult<null> =>
  r.ok ? { ok: true, value: null } : r;

async function run(request: OpfsRequest): Promise<StorageResult<unknown>> {
  if (request.op === 'open') return open(request.directory);
  const s = storage;
  if (s === undefined) return { ok: false, error: closedError };
  switch (request.op) {
    case 'list':
      return s.list();
    case 'read':
      return s.read(request.name);
    case 'append':
      return s.append(request.name, request.bytes);
    case 'truncate':
      return asNull(await s.truncate(request.name, request.length));
    case 'replace':
      return asNull(await s.replaceAtomically(request.name, request.bytes));
    case 'remove':
      return asNull(await s.remove(request.name));
    case 'usage':
      return s.usage();
    case 'close':
      storage = undefined;
      await s.close();
      return { ok: true, value: null };
  }
}

async function answer(data: unknown): Promise<void> {
  const parsed = v.safeParse(OpfsRequest, data);
  if (!parsed.success) {
    const id = v.safeParse(v.object({ id: v.number() }), data);
    if (id.success) self.postMessage({ id: id.output.id, bug: 'malformed request' });
    return;
  }
  const request = parsed.output;
  let response: OpfsResponse;
  try {
    const result = await run(request);
    response = result.ok
      ? { id: request.id, ok: true, value: result.value }
      : { id: request.id, ok: false, error: result.error };
  } catch (e) {
    // A fault thrown while opening OPFS is expected; anything else is a defect.
    response =
      e instanceof StorageFault
        ? { id: request.id, ok: false, error: storageError(e.code, e.message) }
        : { id: request.id, bug: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  self.postMessage(response);
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  void answer(event.data);
});
