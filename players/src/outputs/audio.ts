import { ChildProcess, spawn } from 'node:child_process';
import type { Clock } from '../clock';
import type { Output, PlayItem, Playback } from './output';

/**
 * Audio through a player program: `mpv`, `ffplay`, or `null` (plays nothing, takes the same time:
 * for tests and for a device whose audio is wired elsewhere). A stream (relay) is played the same way.
 */
export class AudioOutput implements Output {
  private volume = 100;
  private current: ChildProcess | null = null;

  constructor(private readonly command: 'mpv' | 'ffplay' | 'null', private readonly clock: Clock, private readonly durationOf: (item: PlayItem) => number) {}

  play(item: PlayItem, volume: number): Playback {
    this.volume = volume;
    const length = this.durationOf(item);
    const end = item.until ?? this.clock.now() + length;
    let stopTimer: () => void = () => undefined;
    let finish!: (r: { outcome: 'completed' | 'stopped' | 'failed'; reason?: string }) => void;
    const done = new Promise<{ outcome: 'completed' | 'stopped' | 'failed'; reason?: string }>((r) => (finish = r));
    let settled = false;
    const settle = (r: { outcome: 'completed' | 'stopped' | 'failed'; reason?: string }) => {
      if (settled) return;
      settled = true;
      stopTimer();
      finish(r);
    };
    if (this.command === 'null') {
      stopTimer = this.clock.at(end, () => settle({ outcome: 'completed' }));
      return { done, stop: () => settle({ outcome: 'stopped' }) };
    }
    const source = item.streamUrl ?? item.files[0];
    const offsetS = (item.offsetMs / 1000).toFixed(1);
    const args =
      this.command === 'mpv'
        ? ['--no-video', '--really-quiet', `--volume=${volume}`, ...(item.streamUrl ? [] : [`--start=${offsetS}`]), source]
        : ['-nodisp', '-autoexit', '-loglevel', 'error', '-volume', String(volume), ...(item.streamUrl ? [] : ['-ss', offsetS]), source];
    const child = spawn(this.command, args, { stdio: 'ignore' });
    this.current = child;
    child.on('error', (err) => settle({ outcome: 'failed', reason: err.message }));
    child.on('exit', (code, signal) => {
      if (this.current === child) this.current = null;
      settle(code === 0 || signal === 'SIGTERM' ? { outcome: 'completed' } : { outcome: 'failed', reason: `exit ${code ?? signal}` });
    });
    // the slot ends: stop the program (a relay, or media longer than its slot)
    stopTimer = this.clock.at(end, () => {
      child.kill('SIGTERM');
    });
    return {
      done,
      stop: () => {
        settle({ outcome: 'stopped' });
        child.kill('SIGTERM');
      },
    };
  }

  setVolume(volume: number): void {
    this.volume = volume; // applies from the next item (mpv/ffplay take it at start)
  }

  async close(): Promise<void> {
    this.current?.kill('SIGTERM');
  }
}
