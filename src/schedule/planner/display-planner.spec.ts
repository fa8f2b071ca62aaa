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

  it('validates display rules field by field', () => {
    const fields = (d: object) => validateRuleDefinition(d as never).map((p) => p.field);
    expect(fields(campaign([]).definition)).toEqual([]);
    expect(fields({ medium: 'display', period: 'range', from: '2026-10-01', to: '2026-10-10', match: { mediaAssetIds: [] }, dailyWindows: [] })).toEqual(['match.mediaAssetIds', 'dailyWindows']);
    expect(fields({ medium: 'display', period: 'range', from: '2026-10-01', to: '2026-10-10', match: { mediaAssetIds: SLIDES, seriesId: 'x' }, dailyWindows: [{ start: '06:00', end: '12:00' }, { start: '11:00', end: '13:00' }] })).toEqual(['match', 'dailyWindows']);
    expect(fields({ medium: 'loud', period: 'month', match: { tag: 'x' }, minPrograms: 1, minAiringsPerProgram: 1 })).toEqual(['medium']);
    expect(fields({ period: 'month', match: { programIds: ['nope'] }, minPrograms: 1, minAiringsPerProgram: 1 })).toEqual(['match.programIds']);
  });
});
