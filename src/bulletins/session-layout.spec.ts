import { layoutSession, nextSession } from './session-layout';

const TZ = 'Asia/Ho_Chi_Minh';
const at = (local: string) => new Date(`${local}+07:00`);
const windows = [{ days: [1, 2, 3, 4, 5, 6, 7], start: '05:30', end: '06:30' }, { days: [1, 2, 3, 4, 5], start: '17:00', end: '18:00' }];

// Thông tư 39/2020/TT-BTTTT: tin "ưu tiên" được phát đầu tiên trong chương trình của đài xã, vào đầu
// phiên phát sóng kế tiếp.
describe('priority bulletins in the next session', () => {
  it('finds the next session after now, skipping days off and weekdays without windows', () => {
    expect(nextSession(windows, [], TZ, at('2026-12-01T07:00:00'))).toEqual({ start: at('2026-12-01T17:00:00'), end: at('2026-12-01T18:00:00') });
    expect(nextSession(windows, [], TZ, at('2026-12-01T05:30:00'))).toEqual({ start: at('2026-12-01T17:00:00'), end: at('2026-12-01T18:00:00') });
    // Saturday 5 December: no evening window; Sunday the 6th off
    expect(nextSession(windows, ['2026-12-06'], TZ, at('2026-12-05T07:00:00'))).toEqual({ start: at('2026-12-07T05:30:00'), end: at('2026-12-07T06:30:00') });
    expect(nextSession([], [], TZ, at('2026-12-05T07:00:00'))).toBeNull();
  });

  it('lays bulletins first in the order given, pushes what was there later, and displaces what no longer fits', () => {
    const session = { start: at('2026-12-01T17:00:00'), end: at('2026-12-01T18:00:00') };
    const booked = [
      { id: 'news', startsAt: at('2026-12-01T17:00:00'), endsAt: at('2026-12-01T17:25:00') },
      { id: 'farming', startsAt: at('2026-12-01T17:30:00'), endsAt: at('2026-12-01T17:50:00') },
    ];
    const layout = layoutSession(session, [{ id: 'b2', durationMs: 5 * 60_000 }, { id: 'b1', durationMs: 10 * 60_000 }], booked);
    expect(layout.bulletins).toEqual([{ id: 'b2', startsAt: at('2026-12-01T17:00:00'), endsAt: at('2026-12-01T17:05:00') }, { id: 'b1', startsAt: at('2026-12-01T17:05:00'), endsAt: at('2026-12-01T17:15:00') }]);
    // news moves to 17:15–17:40; farming would run to 18:00 from 17:40 — still fits exactly
    expect(layout.moved).toEqual([{ id: 'news', startsAt: at('2026-12-01T17:15:00'), endsAt: at('2026-12-01T17:40:00') }, { id: 'farming', startsAt: at('2026-12-01T17:40:00'), endsAt: at('2026-12-01T18:00:00') }]);
    expect(layout.displaced).toEqual([]);
    const longer = layoutSession(session, [{ id: 'b1', durationMs: 20 * 60_000 }], booked);
    expect(longer.moved).toEqual([{ id: 'news', startsAt: at('2026-12-01T17:20:00'), endsAt: at('2026-12-01T17:45:00') }]);
    expect(longer.displaced).toEqual(['farming']);
  });
});
