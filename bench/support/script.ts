import { join } from 'node:path';

/**
 * Benchmarks run two ways: compiled (`npm run bench:build`, then `node dist-bench/bench/<name>.js`: the
 * service as it is deployed, what the memory goal reads) or straight from the sources through ts-node
 * (which carries the TypeScript compiler, well over 100 MB the deployed service does not).
 */
export const compiled = __filename.endsWith('.js');

/** The arguments after `node` that run a sibling script (bench/<name>) the way this run was started. */
export function scriptArgs(dir: string, name: string): string[] {
  return compiled ? [join(dir, `${name}.js`)] : ['-r', 'ts-node/register/transpile-only', join(dir, `${name}.ts`)];
}

/** "reproduce: …" — the command that ran this benchmark, compiled or not, with its environment. */
export function reproduceLine(name: string, args: Array<string | number>, env: string[] = []): string {
  const vars = env.filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `).join('');
  const run = compiled ? `npm run bench:build && node dist-bench/bench/${name}.js` : `npx ts-node --transpile-only bench/${name}.ts`;
  return `reproduce: ${vars}${run} ${args.join(' ')}`.trimEnd();
}
