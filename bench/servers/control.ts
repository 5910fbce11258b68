/**
 * The control channel of a benchmark server: commands on stdin, one per line,
 * so a benchmark can profile exactly the window it measures.
 *
 *   profile-start        start V8's CPU profiler (node:inspector), print PROFILING
 *   profile-stop <file>  stop it, write the .cpuprofile to <file>, print PROFILED
 *   gc                   a full garbage collection (needs --expose-gc), print COLLECTED
 *   memory               print MEMORY <json of process.memoryUsage()>
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';

export function listenForControl(): void {
  let session: Session | undefined;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, arg] = line.trim().split(/\s+/, 2);
    const run = async (): Promise<void> => {
      if (command === 'profile-start') {
        session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 500 });
        await session.post('Profiler.start');
        console.log('PROFILING');
      } else if (command === 'memory') {
        console.log(`MEMORY ${JSON.stringify(process.memoryUsage())}`);
      } else if (command === 'gc') {
        if (typeof globalThis.gc !== 'function')
          throw new Error('start the server with --expose-gc');
        globalThis.gc();
        console.log('COLLECTED');
      } else if (command === 'profile-stop' && arg !== undefined && session !== undefined) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(arg, JSON.stringify(profile));
        session.disconnect();
        session = undefined;
        console.log('PROFILED');
      }
    };
    run().catch((e: unknown) => console.error(`control command failed: ${String(e)}`));
  });
}
