/**
 * Starts the real server for a test: the built relay (`relay/dist/main.js`), which also
 * serves the built PWA from client/dist, on a free port with its own temporary data
 * folder. `npm run build` must have run first (scripts/test.ts does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

export interface Server {
  /**
   * Base URL the browser opens, on `localhost` (a secure context: OPFS, service workers);
   * `https://` when started with a certificate.
   */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => done(port));
    });
  });
}

/** GET /healthz over HTTPS, trusting `ca` (the test's own certificate). */
function httpsHealthy(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    httpsGet({ host: '127.0.0.1', port, path: '/healthz', servername: 'localhost', ca }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

async function waitForHealth(
  port: number,
  child: ChildProcess,
  log: () => string,
  ca: string | undefined,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode} before it was ready:\n${log()}`);
    }
    try {
      if (ca !== undefined) {
        if (await httpsHealthy(port, ca)) return;
      } else {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return;
      }
    } catch {
      // Not listening yet: poll again.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer /healthz within 60 s:\n${log()}`);
}

export interface ServerOptions {
  /**
   * Serve HTTPS with this certificate (test/support/certificate.ts), through the
   * relay's own RELAY_TLS_CERT and RELAY_TLS_KEY; the URL is then https://localhost.
   */
  tls?: { certPath: string; keyPath: string; cert: string };
}

export async function startServer(
  env: Record<string, string> = {},
  options: ServerOptions = {},
): Promise<Server> {
  const main = join(repoRoot, 'relay/dist/main.js');
  if (!existsSync(main) || !existsSync(join(repoRoot, 'client/dist/index.html'))) {
    throw new Error('the build is missing: run `npm run build` before the e2e suite');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cairn-e2e-'));
  const port = await freePort();
  let log = '';
  // Embedded storage (PGlite) in a folder of its own, whatever the caller's environment says.
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    RELAY_DATA_DIR: join(dataDir, 'relay'),
    LOG_LEVEL: 'warn',
    ...(options.tls === undefined
      ? {}
      : { RELAY_TLS_CERT: options.tls.certPath, RELAY_TLS_KEY: options.tls.keyPath }),
    ...env,
  };
  if (env['DATABASE_URL'] === undefined) delete childEnv['DATABASE_URL'];
  const child = spawn(process.execPath, [main], {
    cwd: dataDir,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const output = (): string => log;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stopping: Promise<void> | undefined;
  const kill = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  try {
    await waitForHealth(port, child, output, options.tls?.cert);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://localhost:${port}/`,
    port,
    dataDir,
    output,
    async stop() {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
