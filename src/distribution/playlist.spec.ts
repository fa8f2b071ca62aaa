import { ChannelPlaylist, compileEntries, contentHash, EntryRow, playlistRenderer, renderPlaylist } from './playlist';

const at = (hhmm: string, day = '2026-12-01') => new Date(`${day}T${hhmm}:00+07:00`);
const audio = { sha256: 'a'.repeat(64), bytes: 1000, mime: 'audio/mpeg', durationMs: 600_000, displayMs: null };
const row = (id: string, from: string, to: string, extra: Partial<EntryRow> = {}): EntryRow => ({
  id, kind: 'airing', priority: 'normal', title: id, streamUrl: null, startsAt: at(from), endsAt: at(to), media: audio, ...extra,
});
const window = [at('00:00'), at('00:00', '2026-12-08')] as const;

describe('playlist compiler', () => {
  it('sorts entries by start and maps kinds, priorities and media to the protocol', () => {
    const out = compileEntries(
      [
        row('b', '17:00', '17:15'),
        row('a', '06:00', '06:10', { priority: 'priority' }),
        row('r', '18:00', '18:30', { kind: 'relay', streamUrl: 'http://vov.vn/vov1', media: null }),
        row('s', '19:00', '19:05', { kind: 'slides', media: { ...audio, mime: 'image/png', durationMs: null, displayMs: 8000 } }),
      ],
      ...window,
    );
    expect(out.map((e) => [e.id, e.kind, e.priority])).toEqual([['a', 'audio', 60], ['b', 'audio', 20], ['r', 'relay', 20], ['s', 'slides', 20]]);
    expect(out[0]).toEqual({ id: 'a', kind: 'audio', startsAt: '2026-11-30T23:00:00.000Z', endsAt: '2026-11-30T23:10:00.000Z', priority: 60, title: 'a', media: [{ sha256: 'a'.repeat(64), url: `/api/v1/media/${'a'.repeat(64)}`, bytes: 1000, mime: 'audio/mpeg', durationMs: 600_000 }] });
    expect(out[2]).toMatchObject({ streamUrl: 'http://vov.vn/vov1', media: [] });
    expect(out[3].media[0].displayMs).toBe(8000);
  });

  it('never lets entries overlap: the higher priority stays, the lower one is left out whole', () => {
    const out = compileEntries([row('normal', '06:00', '06:30'), row('emergency', '06:20', '06:25', { kind: 'emergency', priority: 'emergency' }), row('after', '06:30', '06:40')], ...window);
    expect(out.map((e) => e.id)).toEqual(['emergency', 'after']);
  });

  it('leaves out what has nothing to play and what lies outside the window', () => {
    const out = compileEntries(
      [row('no-file', '06:00', '06:10', { media: null }), row('no-stream', '07:00', '07:10', { kind: 'relay', media: null }), row('before', '23:00', '23:30', { startsAt: at('23:00', '2026-11-30'), endsAt: at('23:30', '2026-11-30') }), row('ok', '08:00', '08:10')],
      ...window,
    );
    expect(out.map((e) => e.id)).toEqual(['ok']);
  });

  it('hashes content, not the time it was built', () => {
    const entries = compileEntries([row('a', '06:00', '06:10')], ...window);
    const h = contentHash('Asia/Ho_Chi_Minh', ...window, entries);
    expect(contentHash('Asia/Ho_Chi_Minh', ...window, compileEntries([row('a', '06:00', '06:10')], ...window))).toBe(h);
    expect(contentHash('Asia/Ho_Chi_Minh', ...window, compileEntries([row('a', '06:05', '06:15')], ...window))).not.toBe(h);
    expect(contentHash('Asia/Ho_Chi_Minh', at('00:00', '2026-12-02'), window[1], entries)).not.toBe(h);
  });

  it('renders the protocol Playlist for one device', () => {
    const p: ChannelPlaylist = { channelId: 'c1', version: 7, timezone: 'Asia/Ho_Chi_Minh', validFrom: window[0], validUntil: window[1], generatedAt: at('05:00'), entries: compileEntries([row('a', '06:00', '06:10')], ...window) };
    const parsed = JSON.parse(renderPlaylist(p, 'd1'));
    expect(Object.keys(parsed)).toEqual(['protocol', 'deviceId', 'channelId', 'version', 'generatedAt', 'validFrom', 'validUntil', 'timezone', 'entries']);
    expect(parsed).toMatchObject({ protocol: 'bcast/v1', deviceId: 'd1', channelId: 'c1', version: 7, validFrom: '2026-11-30T17:00:00.000Z', timezone: 'Asia/Ho_Chi_Minh' });
    expect(parsed.entries).toEqual(p.entries);
    // what MQTT carries is the same document, byte for byte
    // what is published: rendered once per channel, the device id spliced in — the same text
    const render = playlistRenderer(p, JSON.stringify(p.entries));
    const [d1, d2] = [render('d1'), render('d2')];
    expect(d1.toString('utf8')).toBe(renderPlaylist(p, 'd1'));
    expect(d2.toString('utf8')).toBe(renderPlaylist(p, 'd2'));
  });
});
