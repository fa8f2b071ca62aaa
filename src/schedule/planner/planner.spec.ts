import { localDate } from './local-time';
import { plan, PlanChannel, PlanInput, PlanProgram, PlanRule } from './planner';

const TZ = 'Asia/Ho_Chi_Minh';
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
/** Rural commune: a morning and an evening session every day. */
const channel = (id: string, extra: Partial<PlanChannel> = {}): PlanChannel => ({
  id,
  name: `Xã ${id}`,
  timezone: TZ,
  windows: [
    { days: EVERY_DAY, start: '05:30', end: '06:30' },
    { days: EVERY_DAY, start: '17:00', end: '18:00' },
  ],
  booked: [],
  ...extra,
});
const monthly = (month: number, minutes = 15): PlanProgram => {
  const m = String(month).padStart(2, '0');
  const last = new Date(Date.UTC(2026, month, 0)).getUTCDate();
  return { id: `cds-2026-${m}`, title: `Chuyển đổi số tháng ${month}/2026`, durationMs: minutes * 60_000, seriesId: 'cds', tags: ['chuyen-doi-so'], periodStart: `2026-${m}-01`, periodEnd: `2026-${m}-${last}` };
};

// 003_…txt: "Xây dựng Chuyên mục phát thanh về chuyển đổi số, mỗi tháng 01 Chương trình và phát lại
// ít nhất 03 lần/tháng." — a premiere plus at least 3 replays: ≥ 4 airings in the calendar month,
// here also never twice the same day.
const R1 = (channelIds: string[]): PlanRule => ({
  id: 'r1',
  name: 'Chuyên mục chuyển đổi số',
  definition: { match: { seriesId: 'cds' }, period: 'month', minPrograms: 1, minAiringsPerProgram: 4, maxAiringsPerDay: 1 },
  channelIds,
});

const startOfYear = new Date('2025-12-31T17:00:00Z'); // 00:00 on 1 January 2026 in Vietnam

describe('planner', () => {
  it('plans the Quan Sơn rule (R1) for a year across 40 communes: 4 airings of the month’s program, on 4 days, in windows', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const input: PlanInput = {
      now: startOfYear,
      from: '2026-01-01',
      to: '2026-12-31',
      channels: ids.map((id) => channel(id)),
      programs: Array.from({ length: 12 }, (_, i) => monthly(i + 1)),
      rules: [R1(ids)],
    };
    const result = plan(input);
    expect(result.shortfalls).toEqual([]);
    expect(result.airings).toHaveLength(40 * 12 * 4);
    for (const id of ids) {
      const mine = result.airings.filter((a) => a.channelId === id);
      for (let m = 1; m <= 12; m++) {
        const key = `2026-${String(m).padStart(2, '0')}`;
        const month = mine.filter((a) => a.period === key);
        expect(month).toHaveLength(4);
        expect(new Set(month.map((a) => a.programId))).toEqual(new Set([`cds-${key}`]));
        const days = month.map((a) => localDate(a.startsAt, TZ));
        expect(new Set(days).size).toBe(4);
        expect(days.every((d) => d.startsWith(key))).toBe(true);
        // spread over the month, not bunched at its start
        expect(Number(days[3].slice(8)) - Number(days[0].slice(8))).toBeGreaterThanOrEqual(14);
        for (const a of month) {
          const local = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(a.startsAt);
          expect(['05:30', '17:00']).toContain(local);
          expect(a.endsAt.getTime() - a.startsAt.getTime()).toBe(15 * 60_000);
        }
      }
    }
    expect(plan(input)).toEqual(result); // deterministic
  });

  it('keeps what is already booked and adds only the missing airings', () => {
    const dec = monthly(12, 25);
    const booked = [
      { startsAt: new Date('2026-12-01T10:00:00Z'), endsAt: new Date('2026-12-01T10:25:00Z'), programId: dec.id }, // aired 17:00 local
      { startsAt: new Date('2026-12-02T10:00:00Z'), endsAt: new Date('2026-12-02T10:25:00Z'), programId: dec.id },
      { startsAt: new Date('2026-12-10T22:30:00Z'), endsAt: new Date('2026-12-10T23:30:00Z'), programId: null }, // a manual relay fills a morning session
    ];
    const result = plan({ now: new Date('2026-12-05T00:00:00Z'), from: '2026-12-01', to: '2026-12-31', channels: [channel('a', { booked })], programs: [dec], rules: [R1(['a'])] });
    expect(result.shortfalls).toEqual([]);
    expect(result.airings).toHaveLength(2);
    for (const a of result.airings) {
      expect(a.startsAt.getTime()).toBeGreaterThanOrEqual(new Date('2026-12-05T00:00:00Z').getTime()); // never in the past
      expect(a.startsAt < new Date('2026-12-10T22:30:00Z') || a.startsAt >= new Date('2026-12-10T23:30:00Z')).toBe(true);
    }
  });

  it('counts months in local time: 00:00 on 1 December is 17:00 UTC on 30 November', () => {
    const late = channel('n', { windows: [{ days: EVERY_DAY, start: '00:00', end: '01:00' }] });
    const nov = { ...monthly(11), id: 'nov' };
    const dec = { ...monthly(12), id: 'dec' };
    // 23:30 local on 30 November: November's airing, even though it is 16:30 UTC on 30 November… and
    // 00:10 local on 1 December (17:10 UTC on 30 November) already belongs to December.
    late.booked = [
      { startsAt: new Date('2026-11-30T16:30:00Z'), endsAt: new Date('2026-11-30T16:45:00Z'), programId: 'nov' },
      { startsAt: new Date('2026-11-30T17:10:00Z'), endsAt: new Date('2026-11-30T17:25:00Z'), programId: 'dec' },
    ];
    const result = plan({ now: new Date('2026-11-01T00:00:00Z'), from: '2026-11-01', to: '2026-12-31', channels: [late], programs: [nov, dec], rules: [R1(['n'])] });
    expect(result.airings.filter((a) => a.programId === 'dec')).toHaveLength(3);
    expect(result.airings.filter((a) => a.programId === 'nov')).toHaveLength(3);
    for (const a of result.airings) expect(localDate(a.startsAt, TZ).slice(0, 7)).toBe(a.period);
    expect(result.airings.filter((a) => a.period === '2026-12').every((a) => a.startsAt >= new Date('2026-11-30T17:00:00Z') && a.startsAt < new Date('2026-12-31T17:00:00Z'))).toBe(true);
  });

  it('explains a requirement it cannot meet instead of silently under-filling', () => {
    // One 38-minute evening in December, a 25-minute program needed 4 times.
    const days = Array.from({ length: 31 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`);
    const tight = channel('t', { name: 'Trung Thượng', windows: [{ days: EVERY_DAY, start: '17:00', end: '17:38' }], daysOff: days.filter((d) => d !== '2026-12-15') });
    const result = plan({ now: new Date('2026-11-30T17:00:00Z'), from: '2026-12-01', to: '2026-12-31', channels: [tight], programs: [monthly(12, 25)], rules: [R1(['t'])] });
    expect(result.airings).toHaveLength(1);
    expect(result.shortfalls).toEqual([
      expect.objectContaining({
        channelId: 't', ruleId: 'r1', period: '2026-12', code: 'NOT_ENOUGH_TIME', required: 4, planned: 1,
        message: 'Kênh Trung Thượng, tháng 12/2026: cần 4 lượt × 25 phút («Chuyển đổi số tháng 12/2026»), chỉ còn 38 phút trống',
      }),
    ]);
  });

  it('says so when there is time but the limits forbid it, and when no program exists', () => {
    const oneDay = channel('o', { daysOff: Array.from({ length: 30 }, (_, i) => `2026-12-${String(i + 2).padStart(2, '0')}`) });
    const r = plan({ now: new Date('2026-11-30T17:00:00Z'), from: '2026-12-01', to: '2026-12-31', channels: [oneDay], programs: [monthly(12)], rules: [R1(['o'])] });
    expect(r.shortfalls[0]).toMatchObject({ code: 'CONSTRAINTS', planned: 1 });
    expect(r.shortfalls[0].message).toContain('tối đa 1 lượt/ngày');
    const none = plan({ now: startOfYear, from: '2026-12-01', to: '2026-12-31', channels: [channel('x')], programs: [], rules: [R1(['x'])] });
    expect(none.shortfalls[0]).toMatchObject({ code: 'NOT_ENOUGH_PROGRAMS', message: 'Kênh Xã x, tháng 12/2026: quy định «Chuyên mục chuyển đổi số» cần 1 chương trình của chuyên mục đã duyệt, chưa có chương trình nào' });
  });

  it('R4: one item a week from November to December 2024, a different item each week', () => {
    // 004_…txt: "thực trạng của từng nhiệm vụ trong Đề án: 01 bài/tuần. Thời gian bắt đầu tuyên truyền từ tháng 11 đến hết tháng 12/2024."
    const items: PlanProgram[] = Array.from({ length: 10 }, (_, i) => ({ id: `bai-${i}`, title: `Bài ${i + 1}`, durationMs: 10 * 60_000, tags: ['de-an:thuc-trang'] }));
    const rule: PlanRule = { id: 'r4w', name: '01 bài/tuần', definition: { match: { tag: 'de-an:thuc-trang' }, period: 'week', from: '2024-11-01', to: '2024-12-31', minPrograms: 1, minAiringsPerProgram: 1 }, channelIds: ['w'] };
    const r = plan({ now: new Date('2024-10-31T17:00:00Z'), from: '2024-10-01', to: '2025-01-31', channels: [channel('w')], programs: items, rules: [rule] });
    expect(r.shortfalls).toEqual([]);
    expect(r.airings.map((a) => a.period)).toEqual(['2024-W44', '2024-W45', '2024-W46', '2024-W47', '2024-W48', '2024-W49', '2024-W50', '2024-W51', '2024-W52', '2025-W01']);
    expect(new Set(r.airings.map((a) => a.programId)).size).toBe(10);
    expect(r.airings.every((a) => a.startsAt >= new Date('2024-10-31T17:00:00Z') && a.startsAt < new Date('2024-12-31T17:00:00Z'))).toBe(true);
  });

  it('R4: "từ 1 đến 5 tin, bài cho từng nhiệm vụ" places the minimum and never more than the maximum', () => {
    const items: PlanProgram[] = Array.from({ length: 7 }, (_, i) => ({ id: `nv3-${i}`, title: `Nhiệm vụ 3 — tin ${i + 1}`, durationMs: 5 * 60_000, tags: ['nhiem-vu:3'] }));
    const rule: PlanRule = { id: 'r4t', name: '1–5 tin, bài/nhiệm vụ', definition: { match: { tag: 'nhiem-vu:3' }, period: 'range', from: '2024-11-01', to: '2025-12-31', minPrograms: 1, maxPrograms: 5, minAiringsPerProgram: 1 }, channelIds: ['t'] };
    const r = plan({ now: new Date('2024-10-31T17:00:00Z'), from: '2024-11-01', to: '2025-12-31', channels: [channel('t')], programs: items, rules: [rule] });
    expect(r.airings).toHaveLength(1);
    expect(r.airings[0].period).toBe('2024-11-01..2025-12-31');
  });

  it('respects session and daily limits, spacing and allowed windows', () => {
    const urban = channel('u', {
      windows: [{ days: [1, 2, 3, 4, 5], start: '06:00', end: '06:30' }, { days: [1, 2, 3, 4, 5], start: '18:00', end: '18:30' }],
      maxSessionMinutes: 15,
      maxDailyMinutes: 20,
    });
    const rule: PlanRule = { ...R1(['u']), definition: { ...R1([]).definition, minAiringsPerProgram: 6, maxAiringsPerDay: 2, minSpacingHours: 48, allowedWindows: [{ start: '17:00', end: '23:00' }] } };
    const r = plan({ now: new Date('2026-11-30T17:00:00Z'), from: '2026-12-01', to: '2026-12-31', channels: [urban], programs: [monthly(12, 10)], rules: [rule] });
    expect(r.shortfalls).toEqual([]);
    const starts = r.airings.map((a) => a.startsAt.getTime()).sort();
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(48 * 3600_000);
    for (const a of r.airings) {
      const local = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' }).format(a.startsAt);
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 18:/);
    }
  });

  describe('making up missed airings', () => {
    // 3 of December's 4 airings are booked (one aired on the 2nd, two ahead); the one of the 5th did not air
    const dec = monthly(12);
    const at = (day: string, hm: string) => new Date(`2026-12-${day}T${hm}:00+07:00`);
    const booked = [
      { startsAt: at('02', '05:30'), endsAt: at('02', '05:45'), programId: dec.id },
      { startsAt: at('20', '05:30'), endsAt: at('20', '05:45'), programId: dec.id },
      { startsAt: at('27', '05:30'), endsAt: at('27', '05:45'), programId: dec.id },
    ];
    const missed = [{ id: 'entry-05', programId: dec.id, startsAt: at('05', '05:30'), reason: 'thiết bị báo lỗi: media-missing' }];

    it('places the make-up in the same month and links it to the airing it replaces', () => {
      const result = plan({ now: at('06', '08:00'), from: '2026-12-06', to: '2026-12-31', channels: [channel('a', { booked, missed })], programs: [dec], rules: [R1(['a'])] });
      expect(result.shortfalls).toEqual([]);
      expect(result.airings).toHaveLength(1);
      expect(result.airings[0]).toMatchObject({ programId: dec.id, period: '2026-12', makesUp: 'entry-05' });
      expect(result.airings[0].startsAt.getTime()).toBeGreaterThan(at('06', '08:00').getTime());
    });

    it('names the missed airing and its reason when the month has no room left', () => {
      const result = plan({ now: at('31', '18:30'), from: '2026-12-06', to: '2026-12-31', channels: [channel('a', { booked, missed })], programs: [dec], rules: [R1(['a'])] });
      expect(result.airings).toHaveLength(0);
      expect(result.shortfalls).toHaveLength(1);
      expect(result.shortfalls[0].message).toContain('bù cho 1 lượt không phát được (05/12: thiết bị báo lỗi: media-missing)');
    });
  });

  describe('a new item each period (Thái Nguyên 2024: "01 bài/tuần")', () => {
    const weekly = (channelIds: string[]): PlanRule => ({
      id: 'r4', name: '01 bài/tuần', channelIds,
      definition: { match: { seriesId: 'cds' }, period: 'week', minPrograms: 1, minAiringsPerProgram: 2, maxAiringsPerDay: 1, freshEachPeriod: true },
    });
    const item = (n: number, approved: string): PlanProgram => ({ id: `bai-${n}`, title: `Bài ${n}`, durationMs: 5 * 60_000, seriesId: 'cds', tags: [], periodStart: approved });
    const mondayDec7 = new Date('2026-12-07T00:00:00+07:00');

    it('airs an item in one week only, and says when no new item is left', () => {
      const result = plan({ now: mondayDec7, from: '2026-12-07', to: '2026-12-27', channels: [channel('a')], programs: [item(1, '2026-12-01')], rules: [weekly(['a'])] });
      expect(result.airings.map((a) => [a.period, a.programId])).toEqual([['2026-W50', 'bai-1'], ['2026-W50', 'bai-1']]);
      expect(result.shortfalls.map((f) => [f.period, f.code])).toEqual([['2026-W51', 'NOT_ENOUGH_PROGRAMS'], ['2026-W52', 'NOT_ENOUGH_PROGRAMS']]);
      expect(result.shortfalls[0].message).toContain('cần 1 chương trình của chuyên mục mới (chưa phát ở kỳ trước), không còn chương trình mới nào đã duyệt');
    });

    it('a newly approved item takes the next week, replacing a rerun of the old one that is still to come', () => {
      // week 50 aired item 1; an older plan also put item 1 into week 51 (replaceable: planned, not started)
      const booked = [
        { startsAt: new Date('2026-12-08T05:30:00+07:00'), endsAt: new Date('2026-12-08T05:35:00+07:00'), programId: 'bai-1' },
        { startsAt: new Date('2026-12-09T05:30:00+07:00'), endsAt: new Date('2026-12-09T05:35:00+07:00'), programId: 'bai-1' },
        { id: 'rerun-1', replaceable: true, startsAt: new Date('2026-12-15T05:30:00+07:00'), endsAt: new Date('2026-12-15T05:35:00+07:00'), programId: 'bai-1' },
        { id: 'rerun-2', replaceable: true, startsAt: new Date('2026-12-16T05:30:00+07:00'), endsAt: new Date('2026-12-16T05:35:00+07:00'), programId: 'bai-1' },
      ];
      const now = new Date('2026-12-14T00:00:00+07:00');
      const result = plan({ now, from: '2026-12-14', to: '2026-12-20', channels: [channel('a', { booked })], programs: [item(1, '2026-12-01'), item(2, '2026-12-10')], rules: [weekly(['a'])] });
      expect(result.cancelled.sort()).toEqual(['rerun-1', 'rerun-2']);
      expect(result.airings.map((a) => [a.period, a.programId])).toEqual([['2026-W51', 'bai-2'], ['2026-W51', 'bai-2']]);
      expect(result.shortfalls).toEqual([]);
    });

    it('does not repeat an item the channel aired before the entries read (only which programs, not each airing, is kept of the weeks before)', () => {
      const result = plan({ now: mondayDec7, from: '2026-12-07', to: '2026-12-13', channels: [channel('a', { earlierPrograms: ['bai-3'] })], programs: [item(1, '2026-11-01'), item(3, '2026-12-05')], rules: [weekly(['a'])] });
      expect(new Set(result.airings.map((a) => a.programId))).toEqual(new Set(['bai-1']));
      const without = plan({ now: mondayDec7, from: '2026-12-07', to: '2026-12-13', channels: [channel('a')], programs: [item(1, '2026-11-01'), item(3, '2026-12-05')], rules: [weekly(['a'])] });
      expect(new Set(without.airings.map((a) => a.programId))).toEqual(new Set(['bai-3']));
    });

    it('takes the newest item first', () => {
      const result = plan({ now: mondayDec7, from: '2026-12-07', to: '2026-12-13', channels: [channel('a')], programs: [item(1, '2026-11-01'), item(3, '2026-12-05'), item(2, '2026-11-20')], rules: [weekly(['a'])] });
      expect(new Set(result.airings.map((a) => a.programId))).toEqual(new Set(['bai-3']));
    });
  });
});
