/** Profiles a window of the bench process itself (V8 CPU profiler through node:inspector). */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function profileSelf<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const result = await fn();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}
