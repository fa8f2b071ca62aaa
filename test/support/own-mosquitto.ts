import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { eventually } from './mqtt-device';

/**
 * A Mosquitto of a test's (or a benchmark's) own on `port`, anonymous, its database in `dir` (open
 * `dir` to other users: started as root, Mosquitto runs as its own user), stopped and started again as an
 * operator — or a power cut — would. `extra` lines go into its configuration.
 */
export class OwnMosquitto {
  private child: ChildProcess | null = null;
  private log = '';

  constructor(readonly dir: string, readonly port: number, persistence: boolean, extra: string[] = []) {
    writeFileSync(join(dir, 'mosquitto.conf'), [
      `listener ${port} 127.0.0.1`, 'allow_anonymous true',
      `persistence ${persistence}`, `persistence_location ${dir}/`, 'max_queued_messages 100000', ...extra, '',
    ].join('\n'));
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.log = (this.log + d).slice(-4000)));
    this.child.stderr!.on('data', (d) => (this.log = (this.log + d).slice(-4000)));
    await eventually(() => new Promise<boolean>((resolve) => {
      const s = connect(this.port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    }), 10_000, `mosquitto on ${this.port}: ${this.log}`);
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => (child.once('exit', resolve), child.kill(signal)));
  }
}
