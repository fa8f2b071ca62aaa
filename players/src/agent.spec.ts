import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent';
import { FakeClock } from './clock';
import { DEFAULTS, PlayerConfig } from './config';
import { AudioOutput } from './outputs/audio';
import type { Output, PlayItem } from './outputs/output';
import type { DeviceEvent, Playlist } from './protocol';

const T = Date.parse('2026-12-01T06:00:00+07:00');
const iso = (s: number) => new Date(T + s * 1000).toISOString();

/** The agent with a fake clock and the null audio output: no broker, no server, no sound card. */
describe('player agent on a fake clock', () => {
  let dir: string;
  let clock: FakeClock;
  let agent: Agent;
  let plays: PlayItem[];
  let sha: string;

  const events = (): DeviceEvent[] => readdirSync(join(dir, 'outbox')).sort().map((f) => JSON.parse(readFileSync(join(dir, 'outbox', f), 'utf8')));
  /**
   * Lets the agent's real I/O (hashing, outbox files) catch up with the fake clock: returns once
   * nothing new was played or recorded for three quiet 50 ms windows (a fixed wait failed on a busy machine).
   */
  const flush = async () => {
    const mark = () => `${plays.length}|${readdirSync(join(dir, 'outbox')).length}`;
    let last = mark();
    for (let quiet = 0, i = 0; quiet < 3 && i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const now = mark();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
  };
  const playlist = (version: number, entries: Playlist['entries']): Playlist => ({ protocol: 'bcast/v1', deviceId: 'dev-1', channelId: 'ch-1', version, generatedAt: iso(-3600), validFrom: iso(-21600), validUntil: iso(86400 * 7), timezone: 'Asia/Ho_Chi_Minh', entries });
  const news = (from: number, to: number) => ({ id: 'news', kind: 'audio' as const, startsAt: iso(from), endsAt: iso(to), priority: 20, title: 'Bản tin', media: [{ sha256: sha, url: `/api/v1/media/${sha}`, bytes: 5, mime: 'audio/mpeg', durationMs: (to - from) * 1000 }] });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bcast-player-'));
    clock = new FakeClock(T - 60_000);
    const bytes = Buffer.from('sóng');
    sha = createHash('sha256').update(bytes).digest('hex');
    mkdirSync(join(dir, 'media'), { recursive: true });
    writeFileSync(join(dir, 'media', sha), bytes);
    const real = new AudioOutput('null', clock, () => 60_000);
    plays = [];
    const output: Output = { play: (item, v) => (plays.push({ ...item }), real.play(item, v)), setVolume: () => undefined, close: async () => undefined };
    const config: PlayerConfig = { ...DEFAULTS, serverUrl: 'http://127.0.0.1:9', brokerUrl: 'mqtt://127.0.0.1:9', deviceId: 'dev-1', token: 't', dataDir: dir };
    agent = new Agent(config, clock, output);
  });
  afterEach(async () => {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies only newer playlist versions', () => {
    expect(agent.applyPlaylist(playlist(5, []), 'mqtt')).toBe(true);
    expect(agent.applyPlaylist(playlist(4, [news(0, 60)]), 'http')).toBe(false);
    expect(agent.applyPlaylist(playlist(5, [news(0, 60)]), 'http')).toBe(false);
    expect(agent.applyPlaylist({ ...playlist(9, []), deviceId: 'someone-else' }, 'mqtt')).toBe(false);
    expect(agent.applyPlaylist(playlist(6, [news(0, 60)]), 'http')).toBe(true);
    expect(agent.state.version).toBe(6);
    expect(events().filter((e) => e.type === 'playlist.applied').map((e) => e.playlistVersion)).toEqual([5, 6]);
    // kept on disk for the next start, offline
    expect(JSON.parse(readFileSync(join(dir, 'playlist.json'), 'utf8')).version).toBe(6);
  });

  it('starts an entry exactly at startsAt by the device clock and reports start and completion', async () => {
    agent.applyPlaylist(playlist(1, [news(0, 60)]), 'mqtt');
    clock.advance(59_999);
    await flush();
    expect(plays).toEqual([]);
    clock.advance(1);
    await flush();
    expect(plays).toMatchObject([{ key: 'news', offsetMs: 0, files: [join(dir, 'media', sha)] }]);
    clock.advance(60_000);
    await flush();
    const mine = events().filter((e) => e.entryId === 'news');
    expect(mine.map((e) => [e.type, e.at])).toEqual([['play.started', iso(0)], ['play.completed', iso(60)]]);
    expect(mine[0].detail).toEqual({ lateMs: 0, offsetMs: 0 });
  });

  it('joins late by the documented rule, or skips and says why', async () => {
    clock = clock; // (same clock)
    clock.advance(60_000 + 20_000); // the device was off at 06:00 and boots at 06:00:20
    agent.applyPlaylist(playlist(1, [news(0, 60)]), 'disk');
    await flush();
    expect(plays[0]).toMatchObject({ key: 'news', offsetMs: 20_000 });
    await agent.stop();
  });

  it('lets an alert pre-empt the schedule, plays it at once, then resumes the entry mid-program', async () => {
    agent.applyPlaylist(playlist(1, [news(0, 600)]), 'mqtt');
    clock.advance(60_000);
    await flush();
    clock.advance(30_000); // 06:00:30
    await flush();
    agent.applyAlert(JSON.stringify({ id: 'flood', title: 'Cảnh báo lũ quét', priority: 100, startsAt: iso(30), endsAt: iso(90), streamUrl: 'http://radio.tinh.vn/khan-cap' }));
    await flush();
    expect(plays.map((p) => [p.key, p.kind])).toEqual([['news', 'audio'], ['alert:flood', 'relay']]);
    clock.advance(60_000); // the alert's end
    await flush();
    expect(plays[2]).toMatchObject({ key: 'news', offsetMs: 90_000 });
    const types = events().map((e) => `${e.type}${e.detail?.reason ? `:${e.detail.reason}` : ''}`);
    expect(types).toEqual(['playlist.applied', 'play.started', 'play.failed:preempted', 'alert.played', 'play.started']);
    // the alert comes again (retained, after a reconnect): it is not played twice
    agent.applyAlert(JSON.stringify({ id: 'flood', title: 'Cảnh báo lũ quét', priority: 100, startsAt: iso(30), endsAt: iso(90), streamUrl: 'http://radio.tinh.vn/khan-cap' }));
    await flush();
    expect(plays).toHaveLength(3);
  });

  it('refuses a corrupted media file and reports it', async () => {
    writeFileSync(join(dir, 'media', sha), 'hỏng'); // the SD card flipped bits
    agent.applyPlaylist(playlist(1, [news(0, 60)]), 'mqtt');
    clock.advance(60_000);
    await flush();
    expect(plays).toEqual([]);
    const bad = events().filter((e) => e.type === 'media.failed' || e.type === 'play.failed');
    expect(bad.map((e) => [e.type, e.detail?.reason])).toEqual([['media.failed', 'hash-mismatch'], ['play.failed', 'media-missing']]);
  });

  it('keeps events on disk across restarts until they are sent', async () => {
    agent.applyPlaylist(playlist(1, [news(0, 60)]), 'mqtt');
    clock.advance(120_000);
    await flush();
    const before = events().length;
    await agent.stop();
    const again = new Agent({ ...DEFAULTS, serverUrl: 'http://127.0.0.1:9', brokerUrl: 'mqtt://127.0.0.1:9', deviceId: 'dev-1', token: 't', dataDir: dir }, clock, new AudioOutput('null', clock, () => 0));
    expect(again.state).toMatchObject({ version: 1, outbox: before });
    await again.stop();
  });
});
