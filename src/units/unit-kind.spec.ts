import { canNest, parseUnitKind } from './unit-kind';

describe('unit kinds', () => {
  it('understands the words offices write', () => {
    expect(parseUnitKind('Xã')).toBe('commune');
    expect(parseUnitKind('PHƯỜNG')).toBe('commune');
    expect(parseUnitKind('Thôn')).toBe('village');
    expect(parseUnitKind('tổ dân phố')).toBe('village');
    expect(parseUnitKind('Huyện')).toBe('district');
    expect(parseUnitKind('province')).toBe('province');
    expect(parseUnitKind('hamlet-ish')).toBeUndefined();
  });

  it('lets a commune sit directly under a province (two-level government since 2025) but never above it', () => {
    expect(canNest('province', 'commune')).toBe(true);
    expect(canNest('district', 'commune')).toBe(true);
    expect(canNest('commune', 'province')).toBe(false);
    expect(canNest('commune', 'commune')).toBe(false);
  });
});
