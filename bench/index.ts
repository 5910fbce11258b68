/** Every benchmark, in the order `npm run bench` runs them. */
import { fanout } from './fanout.js';
import { firstLoad } from './first-load.js';
import { bootstrap } from './bootstrap.js';
import { coldStart } from './cold-start.js';
import { idleSockets } from './idle-sockets.js';
import { largePush } from './large-push.js';
import { relayLatency } from './latency.js';
import type { Benchmark } from './lib/bench.js';
import { sideBySide } from './side-by-side.js';
import { storage } from './storage.js';
import { throughput } from './throughput.js';
import { writePath } from './write-path.js';

export const BENCHMARKS: readonly Benchmark[] = [
  relayLatency,
  fanout,
  throughput,
  largePush,
  idleSockets,
  sideBySide,
  storage,
  writePath,
  coldStart,
  bootstrap,
  firstLoad,
];
