import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * A CPU profile of one phase of a benchmark, when BENCH_CPU_PROFILE names a directory: open the
 * written `<phase>.cpuprofile` in Chrome's DevTools (Performance) or any .cpuprofile viewer.
 */
export async function profilePhase<T>(phase: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${dir}/${phase}.cpuprofile`, JSON.stringify(profile));
    console.log(`   (CPU profile of this phase: ${dir}/${phase}.cpuprofile)`);
    session.disconnect();
  }
}
