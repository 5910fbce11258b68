/**
 * Starting a relay for a test, two ways, both on 127.0.0.1:
 *
 * - `startRelay`: in this process (`buildRelay`), on port 0, over a given database.
 * - `startRelayChild`: as a child process, as it runs in production: `relay/src/main.ts`
 *   through tsx (`entry: 'src'`, which imports `@cairn/shared` from its build: run
 *   `npm run build:shared` first) or the built `relay/dist/main.js` serving the built
 *   PWA (`entry: 'dist'`, after `npm run build`; the e2e suite). It can be killed and
 *   restarted on the same port, keeps every log line, reads its RSS, and notices
 *   when it dies on its own (a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildRelay, type RelayOptions } from '../../relay/src/app.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type RelayDatabaseConfig = NonNullable<RelayOptions['database']>;

export interface RunningRelay {
  app: FastifyInstance;
  base: string;
  port: number;
  close(): Promise<void>;
}

/** A relay in this process over `database`, on `port` (default 0: a free one). */
export async function startRelay(
  database: RelayDatabaseConfig,
  { port = 0, ...options }: Omit<RelayOptions, 'database'> & { port?: number } = {},
): Promise<RunningRelay> {
  const app = await buildRelay({ ...options, database });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('relay is not listening');
  return {
    app,
    base: `http://127.0.0.1:${address.port}`,
    port: address.port,
    close: () => app.close(),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RelayChild {
  /** `http://127.0.0.1:<port>` (`https://` when started with a certificate) */
  readonly base: string;
  /**
   * `http://localhost:<port>/`: what a browser opens (a secure context: OPFS, service
   * workers); `https://localhost:<port>/` when started with a certificate.
   */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** The temporary data folder (`tempDataDir`), removed by `stop()`. */
  readonly dataDir: string | undefined;
  /** Every line the process wrote (stdout and stderr), in order. */
  readonly logs: string[];
  /** The logs as one text, for failure messages. */
  output(): string;
  /** Set when the process exited without being asked to (a crash). */
  unexpectedExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Resident set size now, in bytes (Linux /proc). */
  rss(): number;
  /**
   * Stops it with `signal` and waits for the exit. SIGTERM escalates to SIGKILL
   * after `killAfterMs` when that is set.
   */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export interface RelayChildOptions {
  /** `src` (default): relay/src/main.ts through tsx. `dist`: relay/dist/main.js and client/dist. */
  entry?: 'src' | 'dist';
  /** Default: a free port. Pass the previous one to restart in place. */
  port?: number;
  /** Extra environment: DATABASE_URL or RELAY_DATA_DIR, RELAY_* limits, LOG_LEVEL. */
  env?: Record<string, string>;
  /** Shared log array, so the lines of every restart end up together. */
  logs?: string[];
  /**
   * Serve no PWA (RELAY_STATIC_DIR points at an empty folder): the suites that
   * speak only the protocol. Default: true for `src`, false for `dist`.
   */
  noStatic?: boolean;
  /**
   * PGlite in a temporary folder of its own, whatever the caller's environment says
   * (DATABASE_URL is dropped unless `env` sets it); `stop()` removes it. The process
   * runs in that folder. Default: false.
   */
  tempDataDir?: boolean;
  /** The signal `stop()` sends by default. Default: SIGKILL (a crash). */
  stopSignal?: 'SIGKILL' | 'SIGTERM';
  /** After a SIGTERM, SIGKILL once this has passed. Default: never. */
  killAfterMs?: number;
  startTimeoutMs?: number;
  /**
   * Serve HTTPS with this certificate (test/support/certificate.ts), through the
   * relay's own RELAY_TLS_CERT and RELAY_TLS_KEY.
   */
  tls?: { certPath: string; keyPath: string };
}

const READY = 'Cairn is running at';

export async function startRelayChild(options: RelayChildOptions = {}): Promise<RelayChild> {
  const entry = options.entry ?? 'src';
  if (entry === 'src' && !existsSync(`${root}shared/dist/protocol/index.js`)) {
    throw new Error('shared is not built: run `npm run build:shared`');
  }
  const main = join(root, 'relay/dist/main.js');
  if (
    entry === 'dist' &&
    (!existsSync(main) || !existsSync(join(root, 'client/dist/index.html')))
  ) {
    throw new Error('the build is missing: run `npm run build` first');
  }
  const port = options.port ?? (await freePort());
  const logs = options.logs ?? [];
  const dataDir = options.tempDataDir ? mkdtempSync(join(tmpdir(), 'cairn-relay-')) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...((options.noStatic ?? entry === 'src')
      ? { RELAY_STATIC_DIR: `${root}.data/no-static` }
      : {}),
    ...(dataDir === undefined ? {} : { RELAY_DATA_DIR: join(dataDir, 'relay') }),
    ...(options.tls === undefined
      ? {}
      : { RELAY_TLS_CERT: options.tls.certPath, RELAY_TLS_KEY: options.tls.keyPath }),
    ...options.env,
  };
  if (dataDir !== undefined && options.env?.['DATABASE_URL'] === undefined) {
    delete env['DATABASE_URL'];
  }
  const args = entry === 'src' ? ['--import', 'tsx', 'relay/src/main.ts'] : [main];
  const child = spawn(process.execPath, args, {
    cwd: dataDir ?? root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopping: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const collect = (stream: NodeJS.ReadableStream | null): void => {
    let partial = '';
    stream?.on('data', (d: Buffer) => {
      const text = partial + d.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      logs.push(...lines.filter((l) => l !== ''));
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const removeData = (): void => {
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const scheme = options.tls === undefined ? 'http' : 'https';
  const handle: RelayChild = {
    base: `${scheme}://127.0.0.1:${port}`,
    url: `${scheme}://localhost:${port}/`,
    port,
    child,
    dataDir,
    logs,
    output: () => logs.join('\n'),
    unexpectedExit: undefined,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m?.[1] === undefined ? 0 : Number(m[1]) * 1024;
    },
    stop(signal = options.stopSignal ?? 'SIGKILL') {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill(signal);
          const timer =
            signal === 'SIGTERM' && options.killAfterMs !== undefined
              ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
              : undefined;
          await exited;
          clearTimeout(timer);
        }
        removeData();
      })();
      return stopping;
    },
  };
  child.once('exit', (code, signal) => {
    if (stopping === undefined) handle.unexpectedExit = { code, signal };
  });
  const started = logs.length;
  try {
    await new Promise<void>((resolve, reject) => {
      const timeout = options.startTimeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        cleanup();
        child.kill('SIGKILL');
        reject(
          new Error(`relay did not start in ${timeout} ms:\n${logs.slice(started).join('\n')}`),
        );
      }, timeout);
      const poll = setInterval(() => {
        if (logs.slice(started).some((l) => l.includes(READY))) {
          cleanup();
          resolve();
        }
      }, 20);
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new Error(`relay exited with ${code}:\n${logs.slice(started).join('\n')}`));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        child.off('exit', onExit);
      };
      child.once('exit', onExit);
    });
  } catch (e) {
    removeData();
    throw e;
  }
  return handle;
}

/** GET /healthz: the status code, or 0 when the relay does not answer. */
export async function health(base: string, timeoutMs = 3000): Promise<number> {
  try {
    const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0;
  }
}

/** Polls until `test` holds, or throws after `ms`. */
export async function waitUntil(
  what: string,
  test: () => Promise<boolean> | boolean,
  ms: number,
  explain?: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await test()) return;
    if (Date.now() > deadline) {
      const detail = explain === undefined ? '' : `: ${explain()}`;
      throw new Error(`timed out after ${ms} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The app as it ships, for the e2e suite: the built relay serving the built PWA,
 * PGlite in a temporary folder of its own, over HTTPS when given a certificate;
 * `stop()` sends SIGTERM, then SIGKILL after 5 s, and removes the folder.
 */
export function startAppServer(
  env: Record<string, string> = {},
  options: Pick<RelayChildOptions, 'tls'> = {},
): Promise<RelayChild> {
  return startRelayChild({
    ...options,
    entry: 'dist',
    env,
    tempDataDir: true,
    stopSignal: 'SIGTERM',
    killAfterMs: 5_000,
    startTimeoutMs: 60_000,
  });
}
