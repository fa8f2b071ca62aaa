import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ServiceApi } from '../players/conformance/src/service-api';
import { simulate } from '../players/conformance/src/simulator';
import type { EmbeddedBrokerHandle } from '../src/infrastructure/mqtt/embedded-broker';
import { eventually } from './support/mqtt-device';
import { spawnTs } from './support/service-process';
import { ADMIN, TestApp } from './support/test-app';
import { importTwoCommunes, startAppWithBroker } from './support/two-communes';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'test-output');

/**
 * The vendors' conformance runner (players/conformance) against the real service and its broker:
 * the shipped player passes every check; the same player with three defects put in on purpose
 * (applies older playlists, keeps files without checking their sha256, no last will) fails exactly
 * those three checks and passes the others.
 */
describe('conformance runner', () => {
  let t: TestApp;
  let broker: EmbeddedBrokerHandle;
  let server: { username: string; password: string };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const started = await startAppWithBroker();
    ({ t, broker, server } = started);
    ids.url = started.url;
    Object.assign(ids, await importTwoCommunes(t));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await broker?.stop();
  });

  /** Runs `npx bcast-conformance device …` (from the repository) with the player launched by the runner. */
  const runner = (unit: string, report: string, broken: boolean) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const device = `${process.execPath} -r ts-node/register/transpile-only ${join(ROOT, 'test/support/conformance/run-player.ts')} {deviceId} {token} {serverUrl} {brokerUrl} {topicPrefix}${broken ? ' --broken' : ''}`;
      const child = spawnTs('players/conformance/src/cli.ts', [
        'device', '--server', ids.url, '--broker', broker.url, '--username', ADMIN.username, '--password', ADMIN.password, '--unit', unit,
        '--server-mqtt-username', server.username, '--server-mqtt-password', server.password, '--topic-prefix', t.config.MQTT_TOPIC_PREFIX,
        '--device-command', device, '--report', report, ...(process.env.CONFORMANCE_VERBOSE ? ['--verbose', 'true'] : []),
      ], process.env);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('passes the shipped player, and fails a broken one on exactly what it breaks', async () => {
    mkdirSync(OUT, { recursive: true });
    const [good, bad] = await Promise.all([runner(ids['1'], join(OUT, 'conformance-player.txt'), false), runner(ids['2'], join(OUT, 'conformance-broken-player.txt'), true)]);
    const outcomes = (report: string) => Object.fromEntries([...report.matchAll(/^(PASS|FAIL|SKIP)\s+(\S+)/gm)].map((m) => [m[2], m[1]]));
    const checks = ['status.online', 'status.protocol', 'playlist.applied', 'play.onTime', 'play.completed', 'playlist.neverOlder', 'media.rangeResume', 'media.integrity', 'alert.preempts', 'alert.resumes', 'events.backlog', 'status.lastWill'];

    if (process.env.CONFORMANCE_VERBOSE) console.log(good.stderr.slice(-8000));
    expect({ code: good.code, stderr: good.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    expect(outcomes(good.stdout)).toEqual(Object.fromEntries(checks.map((c) => [c, 'PASS'])));
    expect(good.stdout).toMatch(/12 checks: 12 passed, 0 failed, 0 skipped — conformant/);
    expect(readFileSync(join(OUT, 'conformance-player.txt'), 'utf8')).toBe(good.stdout);

    expect(bad.code).toBe(1);
    const broken = ['playlist.neverOlder', 'media.integrity', 'status.lastWill'];
    expect(outcomes(bad.stdout)).toEqual(Object.fromEntries(checks.map((c) => [c, broken.includes(c) ? 'FAIL' : 'PASS'])));
    expect(bad.stdout).toMatch(/played an entry of version \d+ after holding \d+/);
    expect(bad.stdout).toMatch(/played a file whose content does not match its sha256/);
    expect(bad.stdout).toMatch(/still online 15 s after the device died: no last will/);
    expect(bad.stdout).toMatch(/NOT CONFORMANT/);
  }, 300_000);

  it('simulates a fleet that behaves as the protocol says: online, playlists applied, every airing reported once', async () => {
    const api = await ServiceApi.login(ids.url, ADMIN.username, ADMIN.password);
    const sim = await simulate({ api, brokerUrl: broker.url, topicPrefix: t.config.MQTT_TOPIC_PREFIX, unitId: ids['1'], devices: 40 });
    try {
      await eventually(async () => (await api.call<{ items: Array<{ online: boolean }> }>('GET', `/api/v1/devices?channelId=${sim.channelId}`)).items.filter((d) => d.online).length === 40, 30_000, 'the fleet online');
      const start = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000);
      const entry = await api.call<{ id: string }>('POST', `/api/v1/channels/${sim.channelId}/entries`, { kind: 'relay', title: 'Tiếp âm VOV1', streamUrl: 'https://stream.example.vn/vov1', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3000).toISOString() });
      const db = t.app.get(DataSource);
      await eventually(async () => (await db.query(`SELECT count(DISTINCT device_id)::int AS n FROM play_events WHERE entry_id = $1 AND type = 'play.completed'`, [entry.id]))[0].n === 40, 30_000, 'every simulated device reported the airing');
      expect(await db.query(`SELECT type, count(*)::int AS n FROM play_events WHERE entry_id = $1 GROUP BY 1 ORDER BY 1`, [entry.id])).toEqual([{ type: 'play.completed', n: 40 }, { type: 'play.started', n: 40 }]);
      const listed = (await api.call<{ items: Array<{ playlistVersion: number; currentVersion: number; protocol: string }> }>('GET', `/api/v1/devices?channelId=${sim.channelId}`)).items;
      expect(listed.every((d) => d.playlistVersion === d.currentVersion && d.protocol === 'bcast/v1.1')).toBe(true);
    } finally {
      await sim.stop();
    }
  }, 120_000);

  it('checks the service itself as a device would (the runner’s server mode): every promise kept', async () => {
    const child = spawnTs('players/conformance/src/cli.ts', ['server', '--server', ids.url, '--broker', broker.url, '--username', ADMIN.username, '--password', ADMIN.password, '--unit', ids['1'], '--topic-prefix', t.config.MQTT_TOPIC_PREFIX, '--report', join(OUT, 'conformance-server.txt')], process.env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stdout, stderr: stderr.slice(-1000) }).toMatchObject({ code: 0, stdout: expect.stringContaining('conformant') });
    expect([...stdout.matchAll(/^(PASS|FAIL|SKIP)\s+(\S+)/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      'PASS auth.wrongToken', 'PASS playlist.retained', 'PASS playlist.versionGrows', 'PASS status.presence', 'PASS events.storedOnAck', 'PASS events.idempotent',
      'PASS events.refusedPerItem', 'PASS http.pull304', 'PASS alert.http', 'PASS acl.otherPlaylist', 'PASS acl.otherEvents', 'PASS status.lastWill',
    ]);
  }, 120_000);
});
