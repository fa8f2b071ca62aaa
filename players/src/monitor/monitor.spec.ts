import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../clock';
import { loadPlayerConfig } from '../config';
import { Monitor, windowStarts } from './monitor';
import { decodeWindow } from './signature';

describe('monitor windows', () => {
  it('spreads the windows from after the start to before the end', () => {
    expect(windowStarts(0, 60_000, 8000, 3)).toEqual([2000, 26_000, 50_000]);
  });
  it('listens only to the part played when the airing was joined late', () => {
    expect(windowStarts(30_000, 60_000, 8000, 3)).toEqual([31_000, 40_500, 50_000]);
  });
  it('takes fewer windows of a short airing, and none when it is shorter than a window', () => {
    expect(windowStarts(0, 20_000, 8000, 3)).toEqual([2000, 10_000]);
    expect(windowStarts(0, 10_000, 8000, 3)).toEqual([1500]);
    expect(windowStarts(0, 5000, 8000, 3)).toEqual([]);
  });
});

describe('monitor capture', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-'));
  /** 3 s of a 1 kHz tone at 16 kHz as S16_LE, what `arecord -t raw` would write. */
  const pcm = join(dir, 'tone.raw');
  const tone = Buffer.alloc(3 * 16_000 * 2);
  for (let i = 0; i < tone.length / 2; i++) tone.writeInt16LE(Math.round(3277 * Math.sin((2 * Math.PI * 1000 * i) / 16_000)), i * 2);
  writeFileSync(pcm, tone);
  /** Writes the file in 100 ms chunks as they would be heard (a sound card's pace). */
  const realTime = ['node', '-e', `const b=require('fs').readFileSync(process.argv[1]);let i=0;const t=setInterval(()=>{process.stdout.write(b.subarray(i,i+=3200));if(i>=b.length)clearInterval(t)},100)`, pcm];

  it('captures each window from the command, keeping only its signature and level', async () => {
    const monitor = new Monitor({ command: realTime, sampleRate: 16_000, windows: 1, windowS: 2 }, systemClock);
    const startedAt = Date.now() - 1900; // the window is due 2 s into the file
    const heard = await monitor.listen({ startedAt, fromMs: 0, lengthMs: 6500 }, new AbortController().signal);
    expect(heard).toHaveLength(1);
    expect(heard[0].levelDb).toBeCloseTo(-23, 0); // a sine of amplitude 0.1: −23 dBFS RMS
    expect(decodeWindow(heard[0].sig)).toHaveLength(40 * 5); // 2 s = 40 frames of five bands
    expect(Math.abs(heard[0].offsetMs - 2000)).toBeLessThan(500); // the first sample, not the first chunk's arrival
    expect(Object.keys(heard[0]).sort()).toEqual(['levelDb', 'offsetMs', 'sig']);
  });

  it('reports no window when the command gives up early, and stops when the airing ends', async () => {
    const short = new Monitor({ command: ['head', '-c', '1000', pcm], sampleRate: 16_000, windows: 2, windowS: 2 }, systemClock);
    expect(await short.listen({ startedAt: Date.now() - 2000, fromMs: 0, lengthMs: 10_000 }, new AbortController().signal)).toEqual([]);
    const ended = new AbortController();
    const later = new Monitor({ command: ['cat', pcm], sampleRate: 16_000, windows: 3, windowS: 2 }, systemClock).listen({ startedAt: Date.now(), fromMs: 0, lengthMs: 60_000 }, ended.signal);
    ended.abort();
    expect(await later).toEqual([]);
  });
});

describe('monitor configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-config-'));
  const load = (monitor: unknown, output = 'audio') => {
    const file = join(dir, `c-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ serverUrl: 'https://bcast.example.vn', brokerUrl: 'mqtts://bcast.example.vn', deviceId: 'd', token: 't', output, monitor }));
    return loadPlayerConfig(file);
  };

  it('fills the defaults (3 windows of 8 s at 16 kHz) around the command', () => {
    expect(load({ command: ['arecord', '-q', '-t', 'raw'] }).monitor).toEqual({ command: ['arecord', '-q', '-t', 'raw'], sampleRate: 16_000, windows: 3, windowS: 8 });
  });

  it('names every problem: no command, a rate, too many windows, too long, on an LED board', () => {
    expect(() => load({ command: [] })).toThrow(/monitor.command must be a command/);
    expect(() => load({ command: ['arecord'], sampleRate: 4000 })).toThrow(/monitor.sampleRate must be 8000 to 48000/);
    expect(() => load({ command: ['arecord'], windows: 9 })).toThrow(/monitor.windows must be 1 to 6/);
    expect(() => load({ command: ['arecord'], windows: 6, windowS: 10 })).toThrow(/at most 40 seconds/);
    expect(() => load({ command: ['arecord'] }, 'display')).toThrow(/monitor is for loudspeakers/);
  });
});
