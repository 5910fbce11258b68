/**
 * Reference server (a): a bare Fastify + @fastify/websocket forwarder, the
 * relay's own stack with nothing of Cairn in it. Every text frame a client
 * sends goes to every other connected client; no auth, no parsing, no storage.
 * With BENCH_PLAIN_WS=1 it is a plain `ws` server instead (no Fastify), for
 * the idle-socket memory reference.
 *
 *   npx tsx bench/servers/forwarder.ts     prints READY {"port":n}
 */
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenForControl } from './control.js';

const clients = new Set<WebSocket>();

function attach(socket: WebSocket): void {
  clients.add(socket);
  socket.on('message', (data, isBinary) => {
    for (const c of clients) if (c !== socket) c.send(data, { binary: isBinary });
  });
  socket.on('close', () => clients.delete(socket));
  socket.on('error', () => socket.terminate());
}

async function listen(): Promise<{ port: number; close: () => Promise<void> }> {
  if (process.env['BENCH_PLAIN_WS'] === '1') {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', attach);
    const address = wss.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return {
      port,
      close: () =>
        new Promise((resolve) => {
          for (const c of clients) c.terminate();
          wss.close(() => resolve());
        }),
    };
  }
  const app = Fastify({ logger: false });
  await app.register(fastifyWebsocket);
  app.get('/ws', { websocket: true }, (socket) => attach(socket));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: async () => {
      for (const c of clients) c.terminate();
      await app.close();
    },
  };
}

const server = await listen();
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
listenForControl();
console.log(`READY ${JSON.stringify({ port: server.port })}`);
