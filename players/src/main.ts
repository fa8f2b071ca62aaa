#!/usr/bin/env node
/**
 * bcast-player --config /etc/bcast-player/config.json
 * Logs one JSON object per line to stdout (journald keeps them).
 */
import { spawn } from 'node:child_process';
import { Agent } from './agent';
import { systemClock } from './clock';
import { loadPlayerConfig } from './config';
import { AudioOutput } from './outputs/audio';
import { DisplayOutput } from './outputs/display';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--config');
  const config = loadPlayerConfig(i > 0 ? process.argv[i + 1] : '/etc/bcast-player/config.json');
  // HTTPS (fetch) trusts extra CAs only from NODE_EXTRA_CA_CERTS, read when node starts: start again with it
  if (config.caFile && process.env.NODE_EXTRA_CA_CERTS !== config.caFile) return runWithCa(config.caFile);
  const log = (msg: string, fields: Record<string, unknown> = {}) => process.stdout.write(JSON.stringify({ time: new Date().toISOString(), msg, device: config.deviceId, ...fields }) + '\n');
  let agent: Agent;
  if (config.output === 'display') {
    const display = new DisplayOutput(systemClock, (sha) => agent.media.path(sha), config.displayPort);
    const port = await display.listen();
    log('board page', { url: `http://127.0.0.1:${port}/` });
    agent = new Agent(config, systemClock, display, log);
  } else {
    const audio = new AudioOutput(config.audioCommand, systemClock, (item) => item.durationMs ?? 60_000);
    agent = new Agent(config, systemClock, audio, log);
  }
  await agent.start();
  log('started', { output: config.output, audioCommand: config.audioCommand });
  const stop = async () => {
    log('stopping');
    await agent.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function runWithCa(caFile: string): void {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile }, stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
