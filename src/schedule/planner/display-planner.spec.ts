import { DisplayChannel, DisplayRule, planDisplay } from './display-planner';
import { validateRuleDefinition } from './rule-definition';

const TZ = 'Asia/Ho_Chi_Minh';
const SLIDES = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
const board = (id: string, extra: Partial<DisplayChannel> = {}): DisplayChannel => ({ id, name: `Bảng LED ${id}`, timezone: TZ, booked: [], ...extra });
const at = (local: string) => new Date(`${local}+07:00`);

// 004_…txt: "các sản phẩm thông tin số đăng phát trên bảng tin điện tử công cộng cỡ lớn … (màn hình LED,
// LCD, cổng chào...)" — around Ngày Chuyển đổi số quốc gia 10/10: every LED board, every day 06:00–22:00.
const campaign = (channelIds: string[], extra: Partial<DisplayRule['definition']> = {}): DisplayRule => ({
  id: 'd1',
  name: 'Ngày Chuyển đổi số quốc gia 10/10',
  definition: { medium: 'display', match: { mediaAssetIds: SLIDES }, period: 'range', from: '2026-10-01', to: '2026-10-10', dailyWindows: [{ start: '06:00', end: '22:00' }], minPrograms: 0, minAiringsPerProgram: 1, ...extra },
  channelIds,
});

describe('display planner', () => {
  it('shows the slides on every board in the daily window, each day of the campaign', () => {
    const r = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-09-01', to: '2026-10-31', channels: [board('a'), board('b')], rules: [campaign(['a', 'b'])] });
    expect(r.shortfalls).toEqual([]);
    expect(r.showings).toHaveLength(20);
    const first = r.showings.find((s) => s.channelId === 'a')!;
    expect(first).toMatchObject({ period: '2026-10-01', startsAt: at('2026-10-01T06:00:00'), endsAt: at('2026-10-01T22:00:00'), mediaAssetIds: SLIDES });
    expect(r.showings.filter((s) => s.channelId === 'b').map((s) => s.period)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((d) => `2026-10-${d}`));
  });

  it('is idempotent: planned time is not planned twice', () => {
    const first = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-10', channels: [board('a')], rules: [campaign(['a'])] });
    const booked = first.showings.map((s, i) => ({ id: `e${i}`, startsAt: s.startsAt, endsAt: s.endsAt, ruleId: 'd1', mediaAssetIds: s.mediaAssetIds, replaceable: true }));
    const again = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-10', channels: [board('a', { booked })], rules: [campaign(['a'])] });
    expect(again).toEqual({ showings: [], cancelled: [], shortfalls: [] });
  });

  it('fills around content placed by hand and explains the minutes it could not have', () => {
    const manual = { startsAt: at('2026-10-02T12:00:00'), endsAt: at('2026-10-02T13:30:00') };
    const r = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-02', to: '2026-10-02', channels: [board('a', { booked: [manual] })], rules: [campaign(['a'])] });
    expect(r.showings.map((s) => [s.startsAt, s.endsAt])).toEqual([[at('2026-10-02T06:00:00'), at('2026-10-02T12:00:00')], [at('2026-10-02T13:30:00'), at('2026-10-02T22:00:00')]]);
    expect(r.shortfalls).toHaveLength(1);
    expect(r.shortfalls[0]).toMatchObject({ code: 'NOT_ENOUGH_TIME', required: 960, planned: 870, period: '2026-10-02' });
    expect(r.shortfalls[0].message).toBe('Kênh Bảng LED a, 02/10/2026 06:00–22:00: quy định «Ngày Chuyển đổi số quốc gia 10/10» cần trình chiếu 960 phút, 90 phút đã có nội dung khác — chỉ xếp được 870 phút');
  });

  it('starts from now on the day it is planned, and skips days off', () => {
    const r = planDisplay({ now: at('2026-10-01T15:20:30'), from: '2026-10-01', to: '2026-10-03', channels: [board('a', { daysOff: ['2026-10-02'] })], rules: [campaign(['a'])] });
    expect(r.showings.map((s) => [s.period, s.startsAt])).toEqual([['2026-10-01', at('2026-10-01T15:21:00')], ['2026-10-03', at('2026-10-03T06:00:00')]]);
  });

  it('takes back its own future entries when the slides or windows change, never past or reported ones', () => {
    const old = ['00000000-0000-4000-8000-000000000009'];
    const booked = [
      { id: 'past', startsAt: at('2026-10-01T06:00:00'), endsAt: at('2026-10-01T22:00:00'), ruleId: 'd1', mediaAssetIds: old, replaceable: false },
      { id: 'future', startsAt: at('2026-10-02T06:00:00'), endsAt: at('2026-10-02T22:00:00'), ruleId: 'd1', mediaAssetIds: old, replaceable: true },
      { id: 'other', startsAt: at('2026-10-03T06:00:00'), endsAt: at('2026-10-03T08:00:00'), ruleId: 'someone-else', mediaAssetIds: old, replaceable: true },
    ];
    const r = planDisplay({ now: at('2026-10-01T23:00:00'), from: '2026-10-01', to: '2026-10-03', channels: [board('a', { booked })], rules: [campaign(['a'], { dailyWindows: [{ start: '07:00', end: '21:00' }] })] });
    expect(r.cancelled).toEqual(['future']);
    expect(r.showings.map((s) => [s.period, s.startsAt, s.endsAt])).toEqual([
      ['2026-10-02', at('2026-10-02T07:00:00'), at('2026-10-02T21:00:00')],
      ['2026-10-03', at('2026-10-03T08:00:00'), at('2026-10-03T21:00:00')],
    ]);
  });

  describe('N showings a day', () => {
    const sixADay = { showingsPerDay: 6, showingMinutes: 10, minSpacingMinutes: 60 };
    const times = (r: ReturnType<typeof planDisplay>, day: string) => r.showings.filter((s) => s.period === day).map((s) => [s.startsAt, s.endsAt]);

    it('spreads the showings evenly over the windows, each of its length', () => {
      const r = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-02', channels: [board('a')], rules: [campaign(['a'], sixADay)] });
      expect(r.shortfalls).toEqual([]);
      expect(r.showings).toHaveLength(12);
      // 960 minutes / 6 = one every 160 minutes from 06:00
      expect(times(r, '2026-10-01')).toEqual(['06:00', '08:40', '11:20', '14:00', '16:40', '19:20'].map((t) => [at(`2026-10-01T${t}:00`), new Date(at(`2026-10-01T${t}:00`).getTime() + 10 * 60_000)]));
    });

    it('is idempotent, and counts the showings already planned that day', () => {
      const first = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-01', channels: [board('a')], rules: [campaign(['a'], sixADay)] });
      const booked = first.showings.slice(0, 4).map((s, i) => ({ id: `e${i}`, startsAt: s.startsAt, endsAt: s.endsAt, ruleId: 'd1', mediaAssetIds: s.mediaAssetIds, replaceable: true }));
      const again = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-01', channels: [board('a', { booked })], rules: [campaign(['a'], sixADay)] });
      expect(again.cancelled).toEqual([]);
      expect(again.showings).toHaveLength(2);
      for (const s of again.showings) for (const b of booked) expect(Math.abs(s.startsAt.getTime() - b.startsAt.getTime())).toBeGreaterThanOrEqual(60 * 60_000);
      const full = [...booked, ...again.showings.map((s, i) => ({ id: `n${i}`, startsAt: s.startsAt, endsAt: s.endsAt, ruleId: 'd1', mediaAssetIds: s.mediaAssetIds, replaceable: true }))];
      expect(planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-01', channels: [board('a', { booked: full })], rules: [campaign(['a'], sixADay)] })).toEqual({ showings: [], cancelled: [], shortfalls: [] });
    });

    it('keeps the spacing around content placed by hand, and explains what does not fit', () => {
      // the evening window 18:00–20:00 holds three 10-minute showings an hour apart at most; 18:30–19:30 is taken
      const manual = { startsAt: at('2026-10-01T18:30:00'), endsAt: at('2026-10-01T19:30:00') };
      const rule = campaign(['a'], { dailyWindows: [{ start: '18:00', end: '20:00' }], showingsPerDay: 3, showingMinutes: 10, minSpacingMinutes: 30 });
      const r = planDisplay({ now: at('2026-09-20T00:00:00'), from: '2026-10-01', to: '2026-10-01', channels: [board('a', { booked: [manual] })], rules: [rule] });
      expect(times(r, '2026-10-01')).toEqual([[at('2026-10-01T18:00:00'), at('2026-10-01T18:10:00')], [at('2026-10-01T19:30:00'), at('2026-10-01T19:40:00')]]);
      expect(r.shortfalls).toHaveLength(1);
      expect(r.shortfalls[0]).toMatchObject({ code: 'NOT_ENOUGH_TIME', required: 3, planned: 2, period: '2026-10-01' });
      expect(r.shortfalls[0].message).toBe('Kênh Bảng LED a, ngày 01/10/2026: quy định «Ngày Chuyển đổi số quốc gia 10/10» cần 3 lượt trình chiếu 10 phút, cách nhau ít nhất 30 phút — khung giờ còn trống chỉ đủ 2 lượt');
    });

    it('takes back its own future showings of another length', () => {
      const booked = [{ id: 'long', startsAt: at('2026-10-02T06:00:00'), endsAt: at('2026-10-02T22:00:00'), ruleId: 'd1', mediaAssetIds: SLIDES, replaceable: true }];
      const r = planDisplay({ now: at('2026-10-01T12:00:00'), from: '2026-10-02', to: '2026-10-02', channels: [board('a', { booked })], rules: [campaign(['a'], sixADay)] });
      expect(r.cancelled).toEqual(['long']);
      expect(r.showings).toHaveLength(6);
    });

    it('validates the showings against the windows', () => {
      const fields = (extra: object) => validateRuleDefinition({ ...campaign([]).definition, ...extra } as never).map((p) => p.field);
      expect(fields(sixADay)).toEqual([]);
      expect(fields({ showingsPerDay: 6 })).toEqual(['showingMinutes']);
      expect(fields({ minSpacingMinutes: 30 })).toEqual(['minSpacingMinutes']);
      expect(fields({ showingsPerDay: 0, showingMinutes: 10.5 })).toEqual(['showingsPerDay', 'showingMinutes']);
      expect(fields({ showingsPerDay: 1, showingMinutes: 961 })).toEqual(['showingMinutes']);
      expect(fields({ showingsPerDay: 96, showingMinutes: 11 })).toEqual(['showingsPerDay']);
      expect(fields({ showingsPerDay: 20, showingMinutes: 10, minSpacingMinutes: 60 })).toEqual(['minSpacingMinutes']);
      expect(validateRuleDefinition({ period: 'month', match: { tag: 'x' }, minPrograms: 1, minAiringsPerProgram: 1, showingsPerDay: 2 } as never).map((p) => p.field)).toEqual(['showingsPerDay']);
    });
  });

  it('validates display rules field by field', () => {
    const fields = (d: object) => validateRuleDefinition(d as never).map((p) => p.field);
    expect(fields(campaign([]).definition)).toEqual([]);
    expect(fields({ medium: 'display', period: 'range', from: '2026-10-01', to: '2026-10-10', match: { mediaAssetIds: [] }, dailyWindows: [] })).toEqual(['match.mediaAssetIds', 'dailyWindows']);
    expect(fields({ medium: 'display', period: 'range', from: '2026-10-01', to: '2026-10-10', match: { mediaAssetIds: SLIDES, seriesId: 'x' }, dailyWindows: [{ start: '06:00', end: '12:00' }, { start: '11:00', end: '13:00' }] })).toEqual(['match', 'dailyWindows']);
    expect(fields({ medium: 'loud', period: 'month', match: { tag: 'x' }, minPrograms: 1, minAiringsPerProgram: 1 })).toEqual(['medium']);
    expect(fields({ period: 'month', match: { programIds: ['nope'] }, minPrograms: 1, minAiringsPerProgram: 1 })).toEqual(['match.programIds']);
  });
});
