/**
 * `/metrics` on an operator-only address (RELAY_METRICS_PORT, and
 * RELAY_METRICS_HOST, default 127.0.0.1): a plain HTTP server apart from the
 * public one, serving Prometheus text at `/metrics` and nothing else.
 */
import { createServer, type Server } from 'node:http';
import type { RelayMetrics } from './metrics.js';

export async function startMetricsServer(
  metrics: RelayMetrics,
  at: { host: string; port: number },
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : at.port;
  return {
    server,
    port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
