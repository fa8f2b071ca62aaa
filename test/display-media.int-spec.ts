import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpegBinaries } from '../src/infrastructure/ffmpeg/ffmpeg-binaries';
import { AudioFixtures } from './support/audio-fixtures';
import { ADMIN, startTestApp, TestApp } from './support/test-app';

const { ffmpeg, ffprobe } = resolveFfmpegBinaries();

/** R5 (004_…txt): "video clip, sản phẩm thông tin số đăng phát trên bảng tin điện tử công cộng
 *  cỡ lớn … (màn hình LED, LCD, cổng chào)" — content made to each board's size. */
describe('LED board content: images, clips and text slides', () => {
  let t: TestApp;
  let admin: string;
  let dir: string;
  const auth = () => ({ Authorization: `Bearer ${admin}` });
  const make = (name: string, args: string[]) => {
    const out = join(dir, name);
    execFileSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
    return out;
  };
  const done = async (id: string) => {
    for (;;) {
      const a = (await t.http.get(`/api/v1/media-assets/${id}`).set(auth())).body;
      if (a.status !== 'processing') return a;
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const stored = (sha: string) => join(t.config.mediaDir, 'files', sha.slice(0, 2), sha);
  const probe = (file: string) => JSON.parse(execFileSync(ffprobe, ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]).toString());
  const slide = (body: Record<string, unknown>) => t.http.post('/api/v1/media-assets/slide').set(auth()).send({ width: 384, height: 192, ...body });

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.login(ADMIN.username, ADMIN.password);
    await t.http.post('/api/v1/units').set(auth()).send({ code: '38', name: 'Tỉnh Thanh Hóa', kind: 'province' });
    dir = mkdtempSync(join(tmpdir(), 'bcast-display-'));
    mkdirSync(join(__dirname, '..', 'test-output'), { recursive: true });
  });
  afterAll(() => t?.close());
  const unitId = async () => (await t.http.get('/api/v1/units').set(auth())).body.items[0].id;

  it.each([
    ['poster.png', ['-f', 'lavfi', '-i', 'testsrc=s=1280x720:d=1', '-frames:v', '1']],
    ['photo.jpg', ['-f', 'lavfi', '-i', 'testsrc=s=800x800:d=1', '-frames:v', '1']],
    ['banner.webp', ['-f', 'lavfi', '-i', 'testsrc=s=1920x400:d=1', '-frames:v', '1']],
  ])('fits %s into a 384×192 board as PNG, proportions kept', async (name, args) => {
    const res = await t.http.post('/api/v1/media-assets/display').set(auth()).field('unitId', await unitId()).field('width', '384').field('height', '192').field('displayMs', '8000').attach('file', make(name, args as string[]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'image', status: 'processing', width: 384, height: 192, displayMs: 8000 });
    const a = await done(res.body.id);
    expect(a).toMatchObject({ status: 'ready', mime: 'image/png', durationMs: 8000 });
    const info = probe(stored(a.sha256));
    expect(info.streams[0]).toMatchObject({ codec_name: 'png', width: 384, height: 192 });
  });

  it('turns a clip with sound into a silent H.264 MP4 at the board size', async () => {
    const clip = make('clip.mp4', ['-f', 'lavfi', '-i', 'testsrc=s=640x480:r=30:d=3', '-f', 'lavfi', '-i', 'sine=d=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
    const res = await t.http.post('/api/v1/media-assets/display').set(auth()).field('unitId', await unitId()).field('width', '192').field('height', '96').attach('file', clip);
    expect(res.body.kind).toBe('clip');
    const a = await done(res.body.id);
    expect(a).toMatchObject({ status: 'ready', mime: 'video/mp4', codec: 'h264', displayMs: 10000 });
    expect(Math.abs(a.durationMs - 3000)).toBeLessThan(200);
    const info = probe(stored(a.sha256));
    expect(info.streams.map((s: { codec_type: string }) => s.codec_type)).toEqual(['video']);
    expect(info.streams[0]).toMatchObject({ width: 192, height: 96 });
  });

  it('draws a text slide with a title band, body and ticker band', async () => {
    const res = await slide({
      unitId: await unitId(),
      heading: 'CHUYỂN ĐỔI SỐ',
      body: 'Ngày 10/10: Ngày Chuyển đổi số quốc gia. Bà con cài đặt VNeID mức độ 2 tại Ủy ban nhân dân xã.',
      ticker: 'Mỗi người dân có một danh tính số',
    });
    expect(res.status).toBe(202);
    const a = await done(res.body.id);
    expect(a).toMatchObject({ kind: 'slide', status: 'ready', mime: 'image/png', width: 384, height: 192 });
    expect(a.slide).toMatchObject({ ticker: 'Mỗi người dân có một danh tính số' });
    // kept for people to look at: test-output/slide.png
    const png = (await t.http.get(`/api/v1/media/${a.sha256}`).set(auth())).body as Buffer;
    writeFileSync(join(__dirname, '..', 'test-output', 'slide.png'), png);
    const px = execFileSync(ffmpeg, ['-v', 'error', '-i', stored(a.sha256), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
    // drawbox paints in YUV: allow a unit or two of rounding
    const near = (x: number, y: number, rgb: number[]) => [...px.subarray((y * 384 + x) * 3, (y * 384 + x) * 3 + 3)].every((v, i) => Math.abs(v - rgb[i]) <= 3);
    expect(near(2, 2, [192, 0, 0])).toBe(true); // title band
    expect(near(2, 188, [192, 0, 0])).toBe(true); // ticker band
    expect(near(380, 100, [0, 0, 0])).toBe(true); // background
  });

  it('fits the text to every board: no glyph touches the edges, at 128×64, 384×192 and 1280×720', async () => {
    const heading = 'NGÀY CHUYỂN ĐỔI SỐ QUỐC GIA 10/10';
    const long = 'Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10, mỗi người dân hãy cài đặt và kích hoạt tài khoản định danh điện tử VNeID mức độ 2, sử dụng dịch vụ công trực tuyến và thanh toán không dùng tiền mặt.';
    const colours = { background: '#000000', titleBackground: '#c00000', titleColor: '#ffff00', textColor: '#ffffff' };
    for (const [width, height, body] of [[128, 64, 'Cài VNeID ngay'], [384, 192, long], [1280, 720, long]] as Array<[number, number, string]>) {
      const res = await slide({ unitId: await unitId(), heading, body, ticker: 'Mỗi người dân có một danh tính số', width, height, ...colours });
      expect(res.status).toBe(202);
      const a = await done(res.body.id);
      expect(a.status).toBe('ready');
      const px = execFileSync(ffmpeg, ['-v', 'error', '-i', stored(a.sha256), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 16 * 1024 * 1024 });
      const at = (x: number, y: number) => [...px.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
      const isText = (x: number, y: number) => {
        const [r, g, b] = at(x, y);
        return (g > 96 && r > 96) || b > 96; // yellow title text or white body text; bands are red or black
      };
      // the band's height: the rows whose first pixel is red
      let band = 0;
      while (band < height && at(0, band)[0] > 150 && at(0, band)[1] < 60) band++;
      // no text pixel on the left or right edge, over the whole height
      const touching = [];
      for (let y = 0; y < height; y++) for (const x of [0, 1, width - 2, width - 1]) if (isText(x, y)) touching.push([x, y]);
      expect({ size: `${width}×${height}`, touching }).toEqual({ size: `${width}×${height}`, touching: [] });
      // the heading is whole and centred: its text spans nearly equal margins left and right
      let left = width;
      let right = -1;
      for (let y = 0; y < band; y++) for (let x = 0; x < width; x++) if (isText(x, y)) (left = Math.min(left, x)), (right = Math.max(right, x));
      expect(right).toBeGreaterThan(left);
      expect(Math.abs(left - (width - 1 - right))).toBeLessThanOrEqual(Math.max(3, width * 0.02));
      if (width === 384) writeFileSync(join(__dirname, '..', 'test-output', 'slide-10-10.png'), (await t.http.get(`/api/v1/media/${a.sha256}`).set(auth())).body as Buffer);
    }
    // what cannot fit at the smallest legible size is refused, naming the field
    const tooLong = await slide({ unitId: await unitId(), heading, body: long, width: 128, height: 64 });
    expect([tooLong.status, tooLong.body.code, tooLong.body.fields?.[0]?.field]).toEqual([422, 'SLIDE_TEXT_TOO_LONG', 'body']);
    expect(tooLong.body.message).toContain('128×64');
  });

  it('renders Vietnamese diacritics as glyphs: ệ is three marks (circumflex, e, dot), e is one', async () => {
    const components = async (text: string) => {
      const a = await done((await slide({ unitId: await unitId(), heading: '', body: text, width: 64, height: 64 })).body.id);
      const gray = execFileSync(ffmpeg, ['-v', 'error', '-i', stored(a.sha256), '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
      return countComponents(gray, 64, 64);
    };
    expect(await components('e')).toBe(1);
    expect(await components('ệ')).toBe(3);
    expect(await components('Ủ')).toBe(2);
  });

  it('lists assets by kind, for choosing what a board shows', async () => {
    const kinds = async (q: string) => [...new Set((await t.http.get(`/api/v1/media-assets?${q}`).set(auth())).body.items.map((a: { kind: string }) => a.kind))].sort();
    expect(await kinds('kind=image,clip,slide&status=ready')).toEqual(['clip', 'image', 'slide']);
    expect(await kinds('kind=slide')).toEqual(['slide']);
    expect(await kinds('kind=audio')).toEqual([]);
    const bad = await t.http.get('/api/v1/media-assets?kind=video').set(auth());
    expect([bad.status, bad.body.fields[0].field]).toEqual([400, 'kind']);
  });

  it('refuses sound, text and broken input with a clear 4xx and keeps nothing', async () => {
    const u = await unitId();
    const before = (await t.http.get('/api/v1/media-assets').set(auth())).body.total;
    const audio = new AudioFixtures(dir).quietTone('song.mp3', 2, ['-c:a', 'libmp3lame']);
    const cases: Array<[ReturnType<TestApp['http']['post']>, number, string]> = [
      [t.http.post('/api/v1/media-assets/display').set(auth()).field('unitId', u).field('width', '384').field('height', '192').attach('file', audio), 422, 'MEDIA_NOT_VISUAL'],
      [t.http.post('/api/v1/media-assets/display').set(auth()).field('unitId', u).field('width', '384').field('height', '192').attach('file', Buffer.from('not an image'), 'x.png'), 422, 'MEDIA_NOT_VISUAL'],
      [t.http.post('/api/v1/media-assets/display').set(auth()).field('unitId', u).field('width', '383').field('height', '192').attach('file', audio), 400, 'VALIDATION_FAILED'],
      [t.http.post('/api/v1/media-assets/display').set(auth()).field('unitId', u).attach('file', audio), 400, 'VALIDATION_FAILED'],
      [slide({ unitId: u, heading: 'X', body: 'Y', textColor: 'pink' }), 400, 'VALIDATION_FAILED'],
      [slide({ unitId: u, heading: 'X', body: '', width: 8 }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [req, status, code] of cases) {
      const res = await req;
      expect([res.status, res.body.code]).toEqual([status, code]);
    }
    expect((await t.http.get('/api/v1/media-assets').set(auth())).body.total).toBe(before);
    expect(['incoming', 'tmp'].flatMap((d) => readdirSync(join(t.config.mediaDir, d)))).toEqual([]);
  });
});

/** 4-connected components of pixels brighter than mid-grey. */
function countComponents(gray: Buffer, w: number, h: number): number {
  const seen = new Uint8Array(w * h);
  let count = 0;
  for (let i = 0; i < w * h; i++) {
    if (seen[i] || gray[i] < 128) continue;
    count += 1;
    const stack = [i];
    seen[i] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % w;
      for (const q of [p - w, p + w, x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1]) {
        if (q >= 0 && q < w * h && !seen[q] && gray[q] >= 128) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
  }
  return count;
}
