/**
 * The relay as a child process (`relay/src/main.ts` through tsx, as it runs in
 * production) for the fault suites: SIGKILL and restart it on the same port and
 * the same database, read its RSS from /proc, keep every log line it wrote, and
 * notice when it dies on its own (a crash). Always 127.0.0.1.
 *
 * The relay imports `@cairn/shared` from its build: `npm run build:shared`
 * first (npm test and `npm install` do).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

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
  readonly base: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every line the process wrote (stdout and stderr), in order. */
  readonly logs: string[];
  /** Set when the process exited without being asked to (a crash). */
  unexpectedExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Resident set size now, in bytes (Linux /proc). */
  rss(): number;
  /** Stops it: SIGKILL (a crash) or SIGTERM (clean), and waits for the exit. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

export interface RelayChildOptions {
  port?: number;
  /** Extra environment: DATABASE_URL or RELAY_DATA_DIR, RELAY_* limits, LOG_LEVEL. */
  env?: Record<string, string>;
  /** Shared log array, so the lines of every restart end up together. */
  logs?: string[];
  startTimeoutMs?: number;
}

export async function startRelayChild(options: RelayChildOptions = {}): Promise<RelayChild> {
  if (!existsSync(`${root}shared/dist/protocol/index.js`)) {
    throw new Error('shared is not built: run `npm run build:shared`');
  }
  const port = options.port ?? (await freePort());
  const logs = options.logs ?? [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'relay/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // No PWA to serve: the fault suites speak to the relay only.
      RELAY_STATIC_DIR: `${root}.data/no-static`,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopping = false;
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
  const handle: RelayChild = {
    base: `http://127.0.0.1:${port}`,
    port,
    child,
    logs,
    unexpectedExit: undefined,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m?.[1] === undefined ? 0 : Number(m[1]) * 1024;
    },
    async stop(signal = 'SIGKILL') {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  child.once('exit', (code, signal) => {
    if (!stopping) handle.unexpectedExit = { code, signal };
  });
  const started = logs.length;
  await new Promise<void>((resolve, reject) => {
    const timeout = options.startTimeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`relay did not start in ${timeout} ms:\n${logs.slice(started).join('\n')}`));
    }, timeout);
    const poll = setInterval(() => {
      if (logs.slice(started).some((l) => l.includes('Cairn is running at'))) {
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
