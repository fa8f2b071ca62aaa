import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioFixtures } from './support/audio-fixtures';
import { freePort } from './support/free-port';
import { spawnTs, startServiceProcess } from './support/service-process';

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawnTs('src/ops/backup-cli.ts', args, { PATH: process.env.PATH!, HOME: process.env.HOME ?? tmpdir(), ...env });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  return { code, out };
}

/**
 * The embedded database holds the legal broadcast record: a backup taken from the running service
 * and restored into a fresh data directory serves the same units, schedule, compliance and media bytes.
 */
describe('backup and restore', () => {
  const root = mkdtempSync(join(tmpdir(), 'bcast-backup-'));
  chmodSync(root, 0o755);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('restores a running service’s record into a fresh data directory', async () => {
    const envA = { DATA_DIR: join(root, 'a'), PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_MQTT_PORT: String(await freePort()) };
    const envB = { DATA_DIR: join(root, 'b'), PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()), EMBEDDED_MQTT_PORT: String(await freePort()) };
    const a = startServiceProcess(envA);
    let password = '';
    const seen: Record<string, unknown> = {};
    const api = async (port: string, token: string, path: string, init: RequestInit = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
      return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer()) };
    };
    const login = async (port: string) => (await (await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: "admin", password }) })).json() as { accessToken: string }).accessToken;
    try {
      await a.waitFor('bcast đang chạy');
      password = /initial administrator: admin \/ (\S+)/.exec(a.stdout())![1];
      const token = await login(envA.PORT);
      const json = (body: unknown) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      await api(envA.PORT, token, '/api/v1/units/import', { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: 'code,name,kind,parent_code\n38,Tỉnh Thanh Hóa,province,\n15943,Xã Sơn Điện,commune,38\n' });
      const units = (await api(envA.PORT, token, '/api/v1/units')).body as { items: Array<{ id: string; code: string }> };
      const commune = units.items.find((u) => u.code === '15943')!.id;
      const channel = (await api(envA.PORT, token, '/api/v1/channels', json({ unitId: commune, name: 'Đài xã Sơn Điện', kind: 'audio', windows: [] }))).body as { id: string };
      const start = new Date(Date.now() - 3600_000);
      const entry = await api(envA.PORT, token, `/api/v1/channels/${channel.id}/entries`, json({ kind: 'announcement', title: 'Thông báo lịch tiêm chủng', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 600_000).toISOString() }));
      expect(entry.status).toBe(201);
      await api(envA.PORT, token, `/api/v1/entries/${(entry.body as { id: string }).id}/confirm`, json({ outcome: 'aired' }));
      // a file in the media store
      const file = new AudioFixtures(mkdtempSync(join(tmpdir(), 'bcast-backup-audio-'))).quietTone('ban-tin.mp3', 3, ['-c:a', 'libmp3lame']);
      const form = new FormData();
      form.append('unitId', commune);
      form.append('file', new Blob([readFileSync(file)]), 'ban-tin.mp3');
      const asset = (await api(envA.PORT, token, '/api/v1/media-assets/audio', { method: 'POST', body: form })).body as { id: string };
      let sha = '';
      for (let i = 0; i < 150 && !sha; i++) {
        sha = ((await api(envA.PORT, token, `/api/v1/media-assets/${asset.id}`)).body as { sha256?: string }).sha256 ?? '';
        if (!sha) await new Promise((r) => setTimeout(r, 200));
      }
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      const day = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
      seen.units = (await api(envA.PORT, token, '/api/v1/units')).body;
      seen.entries = (await api(envA.PORT, token, `/api/v1/channels/${channel.id}/entries?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`)).body;
      seen.compliance = (await api(envA.PORT, token, `/api/v1/compliance?unitId=${units.items[0].id}&from=${day}&to=${day}`)).body;
      seen.sha = sha;
      seen.channel = channel.id;
      seen.day = day;
      seen.province = units.items[0].id;

      // taken while the service runs
      const backup = await run(['backup', join(root, 'backup')], envA);
      expect({ code: backup.code, out: backup.code === 0 ? '' : backup.out }).toEqual({ code: 0, out: '' });
      expect(backup.out).toMatch(/backup in .*: \d+ rows in \d+ tables, 1 media files/);
    } finally {
      expect(await a.stop()).toBe(0);
    }

    const restored = await run(['restore', join(root, 'backup')], envB);
    expect({ code: restored.code, out: restored.code === 0 ? '' : restored.out }).toEqual({ code: 0, out: '' });
    const b = startServiceProcess(envB);
    try {
      await b.waitFor('bcast đang chạy');
      expect(b.stdout()).not.toContain('initial administrator'); // the same administrator, with the same password
      const token = await login(envB.PORT);
      expect((await api(envB.PORT, token, '/api/v1/units')).body).toEqual(seen.units);
      expect((await api(envB.PORT, token, `/api/v1/channels/${seen.channel}/entries?from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`)).body).toEqual(seen.entries);
      expect((await api(envB.PORT, token, `/api/v1/compliance?unitId=${seen.province}&from=${seen.day}&to=${seen.day}`)).body).toEqual(seen.compliance);
      const media = (await api(envB.PORT, token, `/api/v1/media/${seen.sha}`)).body as Buffer;
      expect(createHash('sha256').update(media).digest('hex')).toBe(seen.sha);
    } finally {
      expect(await b.stop()).toBe(0);
    }
  }, 300_000);
});
