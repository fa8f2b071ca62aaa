import type { Alert, Entry } from './protocol';
import { decide } from './schedule';

const T = Date.parse('2026-12-01T06:00:00+07:00');
const iso = (offsetS: number) => new Date(T + offsetS * 1000).toISOString();
const audio = (id: string, fromS: number, toS: number, mediaS?: number): Entry => ({
  id, kind: 'audio', startsAt: iso(fromS), endsAt: iso(toS), priority: 20, title: id,
  media: [{ sha256: 'a'.repeat(64), url: '/x', bytes: 1, mime: 'audio/mpeg', durationMs: (mediaS ?? toS - fromS) * 1000 }],
});
const relay = (id: string, fromS: number, toS: number): Entry => ({ id, kind: 'relay', startsAt: iso(fromS), endsAt: iso(toS), priority: 20, title: id, media: [], streamUrl: 'http://vov.vn/vov1' });
const entries = [audio('news', 0, 600), relay('vov', 1800, 3600), audio('short', 4000, 4020)];

describe('what the player does at an instant', () => {
  it('waits idle for the next start, then plays from the beginning on time', () => {
    expect(decide(entries, null, T - 5000)).toEqual({ action: 'idle', until: T });
    expect(decide(entries, null, T)).toMatchObject({ action: 'play', entry: { id: 'news' }, offsetMs: 0, until: T + 600_000 });
  });

  it('joins an audio program late while at most half has passed and 30 s remain, else skips it', () => {
    expect(decide(entries, null, T + 120_000)).toMatchObject({ action: 'play', entry: { id: 'news' }, offsetMs: 120_000 });
    expect(decide(entries, null, T + 300_000)).toMatchObject({ action: 'play', offsetMs: 300_000 });
    expect(decide(entries, null, T + 301_000)).toEqual({ action: 'skip', entry: entries[0], reason: 'late' });
    // a 20-second item: on time or not at all
    expect(decide(entries, null, Date.parse(iso(4000)) + 500)).toMatchObject({ action: 'play', entry: { id: 'short' } });
    expect(decide(entries, null, Date.parse(iso(4005)))).toMatchObject({ action: 'skip', reason: 'late' });
  });

  it('joins a relay at any moment of its slot', () => {
    expect(decide(entries, null, Date.parse(iso(3500)))).toMatchObject({ action: 'play', entry: { id: 'vov' }, offsetMs: 1_700_000, until: Date.parse(iso(3600)) });
  });

  it('ends an audio entry with its media when the slot is longer', () => {
    const e = [audio('clip', 0, 600, 90)];
    expect(decide(e, null, T)).toMatchObject({ action: 'play', until: T + 90_000 });
    expect(decide(e, null, T + 100_000)).toEqual({ action: 'idle', until: null });
  });

  it('lets an alert pre-empt everything from its start until its end', () => {
    const alert: Alert = { id: 'a1', title: 'Lũ quét', priority: 100, startsAt: iso(60), endsAt: iso(240) };
    expect(decide(entries, alert, T + 30_000)).toMatchObject({ action: 'play', entry: { id: 'news' } });
    expect(decide(entries, alert, T + 60_000)).toEqual({ action: 'alert', alert });
    expect(decide(entries, alert, T + 240_000)).toMatchObject({ action: 'play', entry: { id: 'news' }, offsetMs: 240_000 });
  });
});
