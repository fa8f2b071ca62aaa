import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<number | null>;
}

/** Runs a TypeScript entry point of the repository (e.g. `players/src/main.ts`) as its own process. */
export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `src/main.ts` as its own process, as `npm start` would, with exactly the given environment. */
export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[key]) base[key] = process.env[key]!;
  const child = spawnTs('src/main.ts', [], { ...base, ...env });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = () => {
          const all = out + err;
          if (typeof text === 'string' ? all.includes(text) : text.test(all)) return resolve();
          if (child.exitCode !== null) return reject(new Error(`service exited (${child.exitCode}) before printing ${text}:\n${all}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${text}:\n${all}`));
          setTimeout(tick, 100);
        };
        tick();
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
