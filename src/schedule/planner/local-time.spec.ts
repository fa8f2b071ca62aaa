import { addDays, isoWeekday, localDate, offsetMinutes, zonedInstant } from './local-time';

describe('local time', () => {
  it('puts 00:00 on 1 December in Vietnam at 17:00 UTC on 30 November', () => {
    expect(zonedInstant('2026-12-01', '00:00', 'Asia/Ho_Chi_Minh').toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(localDate(new Date('2026-11-30T16:59:59Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-11-30');
    expect(localDate(new Date('2026-11-30T17:00:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2026-12-01');
    expect(offsetMinutes(new Date('2026-06-01T00:00:00Z'), 'Asia/Ho_Chi_Minh')).toBe(420);
  });

  it('handles a zone with daylight saving time', () => {
    // Europe/Berlin: 29 March 2026 02:00 → 03:00
    expect(zonedInstant('2026-03-28', '12:00', 'Europe/Berlin').toISOString()).toBe('2026-03-28T11:00:00.000Z');
    expect(zonedInstant('2026-03-30', '12:00', 'Europe/Berlin').toISOString()).toBe('2026-03-30T10:00:00.000Z');
  });

  it('knows weekdays and adds days across months and leap years', () => {
    expect(isoWeekday('2026-11-22')).toBe(7);
    expect(isoWeekday('2026-11-23')).toBe(1);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
