import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/free-port';
import { spawnTs } from './support/service-process';

/**
 * `npm run demo` as a newcomer runs it, on the embedded defaults (its own PostgreSQL and broker, on
 * free ports here): it seeds the province, generates the spoken program, plans the month, starts two
 * players, prints the console and the logins, and once the first airing is reported, compliance.
 */
describe('the one-command demo', () => {
  it('runs the whole loop and prints the console, the logins and the compliance summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bcast-demo-'));
    chmodSync(dir, 0o755); // the embedded PostgreSQL runs as its own user
    const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, DEMO_DATA_DIR: join(dir, 'data'), DEMO_PORT: String(await freePort()), DEMO_PG_PORT: String(await freePort()), DEMO_MQTT_PORT: String(await freePort()), DEMO_FIRST_AIRING_S: '12', DEMO_EXIT_AFTER_SUMMARY: '1' };
    const child = spawnTs('src/demo/demo.ts', [], env);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      expect({ code, out }).toMatchObject({ code: 0 });
      expect(out).toMatch(/Bảng điều khiển \/ console: http:\/\/127\.0\.0\.1:\d+\//);
      expect(out).toMatch(/vanhanh\.sondien\s+demo-2026-matkhau/);
      expect(out).toMatch(/Đài xã Sơn Điện .*có bằng chứng [1-9]/);
      // the campaign: loudspeakers and the LED board of the province in one request, ten days of showings
      expect(out).toMatch(/Chiến dịch «Hưởng ứng Ngày Chuyển đổi số quốc gia 10\/10» \/ campaign: [1-9]\d* lượt phát \+ 10 lượt trình chiếu/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
