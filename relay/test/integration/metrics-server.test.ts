/** `/metrics` is not public: an operator port of its own, or the main port with a bearer token. */
import { afterAll, describe, expect, it } from 'vitest';
import { startMetricsServer } from '../../src/ops/metrics-server.js';
import {
  startRelay,
  startRelayChild,
  type RelayChild,
  type RunningRelay,
} from '../../../testkit/src/relay.js';

const relays: RunningRelay[] = [];
const processes: RelayChild[] = [];
afterAll(async () => {
  for (const r of relays) await r.close();
  for (const p of processes) await p.stop();
});

describe('/metrics', () => {
  it('is served on a separate operator address, and not on the public one', async () => {
    const r = await startRelay({ kind: 'pglite' });
    relays.push(r);
    const m = await startMetricsServer(r.app.relay.metrics, { host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${m.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('cairn_relay_connections');
      expect((await fetch(`http://127.0.0.1:${m.port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${m.port}/healthz`)).status).toBe(404);
      const open = await fetch(`${r.base}/metrics`);
      expect(open.status).toBe(404);
      expect(await open.text()).not.toContain('cairn_relay');
    } finally {
      await m.close();
    }
  });

  it('is started by RELAY_METRICS_PORT in the relay process', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const p = await startRelayChild({
      env: { RELAY_METRICS_PORT: String(port) },
      stopSignal: 'SIGTERM',
    });
    processes.push(p);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('cairn_relay_pushes_total');
    // The public port has no /metrics (with the app served there, the path is just the app shell).
    expect(await (await fetch(`${p.base}/metrics`)).text()).not.toContain('cairn_relay');
  });
});
