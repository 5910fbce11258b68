/**
 * The peer's sync server, for the side-by-side benchmark: automerge-repo 2.5
 * with its WebSocket server adapter, as its documentation sets one up — a
 * `Repo` that shares nothing unprompted (`sharePolicy: false`) and serves the
 * documents clients ask for. With BENCH_PEER_STORAGE=<dir> it keeps documents
 * in that folder through the NodeFS storage adapter; otherwise in memory only.
 *
 * Prints READY {"port":n}; exits cleanly on SIGTERM.
 */
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { NodeWSServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
// The adapter is typed against isomorphic-ws, which is `ws` in Node (a CommonJS default export).
import WebSocket from 'isomorphic-ws';
import { listenForControl } from './control.js';

const wss = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
const dir = process.env['BENCH_PEER_STORAGE'];
const repo = new Repo({
  network: [new NodeWSServerAdapter(wss)],
  ...(dir === undefined || dir === '' ? {} : { storage: new NodeFSStorageAdapter(dir) }),
  peerId: 'bench-sync-server' as PeerId,
  sharePolicy: () => Promise.resolve(false),
});
const address = wss.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.once('SIGTERM', () => {
  repo.shutdown().then(
    () => {
      wss.close();
      process.exit(0);
    },
    () => process.exit(1),
  );
});
listenForControl();
console.log(`READY ${JSON.stringify({ port })}`);
