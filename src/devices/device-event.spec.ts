import { EVENT_LIMITS, parseDeviceEvents } from './device-event';

/** A valid event is one PostgreSQL stores: the poison values seen in the field are refused per item. */
describe('device events', () => {
  const device = '6f1c6c43-5a0b-4a8e-9d0e-0a1b2c3d4e5f';
  const now = new Date('2026-12-01T00:00:00Z');
  const ok = (extra: Record<string, unknown> = {}) => ({ eventId: 'e-1', deviceId: device, type: 'play.completed', at: '2026-12-01T06:59:00+07:00', ...extra });
  const fields = (items: unknown[]) => parseDeviceEvents(items, device, now).problems.map((p) => p.field);

  it('accepts a well-formed event', () => {
    const { events, problems } = parseDeviceEvents([ok({ playlistVersion: 2_147_483_647, detail: { reason: 'late', ms: 1200 } })], device, now);
    expect(problems).toEqual([]);
    expect(events).toHaveLength(1);
  });

  it('refuses values the database cannot store, item by item', () => {
    const items = [
      ok({ eventId: 'a' }),
      ok({ eventId: 'b', playlistVersion: 2_147_483_648 }),
      ok({ eventId: 'c\u0000x' }),
      ok({ eventId: 'd', detail: { note: 'nul \u0000 here' } }),
      ok({ eventId: 'e', detail: { ['k\u0000']: 1 } }),
      ok({ eventId: 'f', detail: { big: 'x'.repeat(EVENT_LIMITS.maxDetailBytes) } }),
      ok({ eventId: 'g', detail: JSON.parse('{"a":'.repeat(20) + '1' + '}'.repeat(20)) }),
      ok({ eventId: 'h', at: '2026-12-01T06:59:00' }), // no offset: whose 06:59?
      ok({ eventId: 'i', at: '2026-12-01' }),
      ok({ eventId: 'j', at: '2026-09-01T00:00:00Z' }), // older than the backlog a player keeps
      ok({ eventId: 'k', at: '2026-12-01T00:10:00Z' }), // 10 minutes ahead of the server
      ok({ eventId: 'l'.repeat(129) }),
      ok({ eventId: 'm', playlistVersion: -1 }),
      ok({ eventId: 'n', deviceId: '00000000-0000-4000-8000-000000000000' }),
      ['not', 'an', 'object'],
      ok({ eventId: 'z' }),
    ];
    const { events, invalid } = parseDeviceEvents(items, device, now);
    expect(events.map((e) => e.eventId)).toEqual(['a', 'z']);
    expect([...invalid].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(fields(items)).toEqual(expect.arrayContaining(['1.playlistVersion', '2.eventId', '3.detail', '4.detail', '5.detail', '6.detail', '7.at', '8.at', '9.at', '10.at', '11.eventId', '12.playlistVersion', '13.deviceId']));
  });

  it('says what is wrong in Vietnamese, naming the item', () => {
    const [p] = parseDeviceEvents([ok({ at: '2026-12-01T00:10:00Z' })], device, now).problems;
    expect(p.message).toMatch(/^0\.at: .*tương lai/);
    expect(p.messageEn).toMatch(/future/);
  });

  it('tolerates a device clock a few minutes ahead', () => {
    expect(parseDeviceEvents([ok({ at: '2026-12-01T00:04:00Z' })], device, now).events).toHaveLength(1);
  });
});
