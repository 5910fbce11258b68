/**
 * The peer: two automerge-repo 2.5 clients (`BrowserWebSocketClientAdapter`,
 * which runs in Node over `ws`) syncing one document through the peer's sync
 * server (servers/peer.ts) in a child process. Client A writes the workload's
 * check-ins with `handle.change`; B holds a change once its document has A's
 * heads.
 */
import * as A from '@automerge/automerge';
import { Repo, type DocHandle, type RepoMessage } from '@automerge/automerge-repo';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import {
  checkIn,
  ensureObservationMonths,
  initialDocument,
  type ObservationsDoc,
} from '../../client/src/domain';
import { portInfo, spawnServer, type ServerProcess } from './child.js';
import { NOW, dateOf, habitOf, sha256Hex, yearsOf } from './workload.js';
import { withTimeout } from './wait.js';

export interface PeerPair {
  readonly server: ServerProcess<{ port: number }>;
  /** A new shared document with the month buckets of `n` check-ins; resolves when B has it. */
  newDocument(n: number): Promise<PeerDocument>;
  close(): Promise<void>;
}

export interface PeerDocument {
  /** A writes check-in `i` (one change). */
  write(i: number): void;
  /** Resolves when B holds everything A has written so far. */
  caughtUp(timeoutMs: number): Promise<void>;
}

const FIND_TIMEOUT_MS = 30_000;

/** The month buckets N check-ins of the workload fall into (created up front). */
export function months(n: number): string[] {
  return yearsOf(n).flatMap((y) =>
    Array.from({ length: 12 }, (_, m) => `${y}-${String(m + 1).padStart(2, '0')}`),
  );
}

function whenHolds(b: DocHandle<ObservationsDoc>, heads: A.Heads, ms: number): Promise<void> {
  const holds = (): boolean => A.hasHeads(b.doc(), heads);
  if (holds()) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (!holds()) return;
        b.off('change', check);
        resolve();
      };
      b.on('change', check);
    }),
    ms,
    'the peer: client B never received the last change',
  );
}

/**
 * Resolves once the sync server holds `heads` of the document: one of its sync
 * messages to `repo` names them. B must not look for a new document before:
 * a server without it answers "unavailable", and B's repo keeps that answer.
 */
function whenServerHas(repo: Repo, documentId: string, heads: A.Heads, ms: number): Promise<void> {
  let off = (): void => undefined;
  return withTimeout(
    new Promise<void>((resolve) => {
      const onMessage = (m: RepoMessage): void => {
        if (m.type !== 'sync' || m.documentId !== documentId) return;
        const theirs = new Set(A.decodeSyncMessage(m.data).heads);
        if (!heads.every((h) => theirs.has(h))) return;
        off();
        resolve();
      };
      repo.networkSubsystem.on('message', onMessage);
      off = () => repo.networkSubsystem.off('message', onMessage);
    }),
    ms,
    'the peer: the sync server never received the new document',
  ).finally(() => off());
}

/** `storageDir`: the server keeps documents there (NodeFS adapter); undefined: memory only. */
export async function startPeerPair(storageDir: string | undefined): Promise<PeerPair> {
  const server = await spawnServer('bench/servers/peer.ts', portInfo, {
    env: { BENCH_PEER_STORAGE: storageDir ?? '' },
  });
  const url = `ws://127.0.0.1:${server.info.port}`;
  const repoA = new Repo({ network: [new BrowserWebSocketClientAdapter(url)] });
  const repoB = new Repo({ network: [new BrowserWebSocketClientAdapter(url)] });
  return {
    server,
    async newDocument(n) {
      const start = ensureObservationMonths(initialDocument('observations'), months(n));
      const a = repoA.import<ObservationsDoc>(A.save(start));
      await whenServerHas(repoA, a.documentId, A.getHeads(a.doc()), FIND_TIMEOUT_MS);
      const b = await withTimeout(
        repoB.find<ObservationsDoc>(a.url),
        FIND_TIMEOUT_MS,
        'the peer: client B could not find the new document',
      );
      await whenHolds(b, A.getHeads(a.doc()), FIND_TIMEOUT_MS);
      return {
        write(i) {
          a.change((d) => {
            checkIn(
              d,
              { templateId: habitOf(i), date: dateOf(i), status: 'done', now: NOW },
              sha256Hex,
            );
          });
        },
        caughtUp: (ms) => whenHolds(b, A.getHeads(a.doc()), ms),
      };
    },
    async close() {
      await Promise.all([repoA.shutdown(), repoB.shutdown()]);
      await server.stop();
    },
  };
}
