/**
 * Benchmark servers run as child processes, as they run in production, so the
 * simulated clients in the bench process do not share their thread. A server
 * script prints one line `READY <json>` once it listens, takes control
 * commands on stdin (servers/control.ts: profile exactly the measured window),
 * and exits cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as v from 'valibot';
import { repoRoot } from './paths.js';

export interface ServerProcess<T> {
  readonly info: T;
  readonly pid: number;
  /** Resident set size now, in bytes (Linux /proc). */
  rss(): number;
  /** Starts the server's CPU profiler. */
  startProfile(): Promise<void>;
  /** Stops it and writes the profile (.cpuprofile JSON) to `file`. */
  stopProfile(file: string): Promise<void>;
  /** A full garbage collection in the server (spawned with --expose-gc). */
  collectGarbage(): Promise<void>;
  /** The server's `process.memoryUsage()`. */
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

const Memory = v.object({
  rss: v.number(),
  heapTotal: v.number(),
  heapUsed: v.number(),
  external: v.number(),
  arrayBuffers: v.number(),
});
export type Memory = v.InferOutput<typeof Memory>;

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra Node flags. */
  nodeFlags?: string[];
}

const START_TIMEOUT_MS = 60_000;
const live = new Set<() => Promise<void>>();

/** Stops every server still running (the runner calls it on exit and on Ctrl-C). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((stop) => stop()));
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** Runs `script` (a .ts file under the repository) with tsx and waits for its READY line. */
export async function spawnServer<T>(
  script: string,
  parse: (json: unknown) => T,
  options: SpawnOptions = {},
): Promise<ServerProcess<T>> {
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '--import', 'tsx', join(repoRoot, script)],
    { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Replies by their first word; the rest of the line is the reply's payload.
  const waiting = new Map<string, (rest: string) => void>();
  let ready: ((json: string) => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word = '', ...rest] = line.split(' ');
    if (word === 'READY') ready?.(rest.join(' '));
    waiting.get(word)?.(rest.join(' '));
    waiting.delete(word);
  });
  const command = (text: string, reply: string): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script}: no ${reply}\n${stderr}`)),
        60_000,
      );
      waiting.set(reply, (rest) => {
        clearTimeout(timer);
        resolve(rest);
      });
      child.stdin.write(`${text}\n`);
    });
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${START_TIMEOUT_MS} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    ready = (json) => {
      clearTimeout(timer);
      try {
        resolve(parse(JSON.parse(json)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${script} has no pid`);
  const stop = async (): Promise<void> => {
    live.delete(stop);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  live.add(stop);
  return {
    info,
    pid,
    rss: () => rssOf(pid),
    startProfile: async () => void (await command('profile-start', 'PROFILING')),
    stopProfile: async (file) => void (await command(`profile-stop ${file}`, 'PROFILED')),
    collectGarbage: async () => void (await command('gc', 'COLLECTED')),
    memory: async () => v.parse(Memory, JSON.parse(await command('memory', 'MEMORY'))),
    stop,
  };
}

/** Parses `{ "port": n }`. */
export function portInfo(json: unknown): { port: number } {
  if (
    typeof json === 'object' &&
    json !== null &&
    'port' in json &&
    typeof json.port === 'number'
  ) {
    return { port: json.port };
  }
  throw new Error(`expected { port }, got ${JSON.stringify(json)}`);
}
