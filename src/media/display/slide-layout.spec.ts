import { layoutSlide, MIN_FONT_PX, SlideSpec, SlideTooLong, TextMeasure, wrapToWidth } from './slide-layout';

/** A fake font for the pure layout: every character 0.6 em wide, 0.75 em in bold. */
const mono: TextMeasure = { width: (text, size, bold) => [...text].length * size * (bold ? 0.75 : 0.6) };

const base: SlideSpec = {
  title: 'CHUYỂN ĐỔI SỐ',
  body: 'Người dân cài đặt và kích hoạt tài khoản định danh điện tử mức độ 2 tại nhà văn hóa thôn.',
  ticker: 'Ngày Chuyển đổi số quốc gia 10/10',
  width: 384,
  height: 192,
  background: '#000000',
  titleBackground: '#c00000',
  titleColor: '#ffff00',
  textColor: '#ffffff',
};

describe('slide layout', () => {
  it('wraps on words by measured width, keeps paragraphs, splits an over-long word only when allowed', () => {
    const w = (s: string) => s.length;
    expect(wrapToWidth('Xã Trung Thượng huyện Quan Sơn', 12, w, false)).toEqual(['Xã Trung', 'Thượng huyện', 'Quan Sơn']);
    expect(wrapToWidth('một\nhai ba', 20, w, false)).toEqual(['một', 'hai ba']);
    expect(wrapToWidth('abcdefghij', 4, w, false)).toBeNull();
    expect(wrapToWidth('abcdefghij', 4, w, true)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('gives the title a band at the top, the ticker a band at the bottom and the body what is left, all within the width', () => {
    const l = layoutSlide(base, mono);
    expect(l.titleBand).toMatchObject({ y: 0, lines: ['CHUYỂN ĐỔI SỐ'] });
    expect(l.tickerBand).toMatchObject({ y: 168, height: 24 });
    expect(l.body.y).toBeGreaterThanOrEqual(l.titleBand.height);
    expect(l.body.y + l.body.lines.length * l.body.lineHeight).toBeLessThanOrEqual(168);
    expect(l.body.lines.join(' ')).toBe(base.body);
    for (const line of l.body.lines) expect(mono.width(line, l.body.fontSize, false)).toBeLessThanOrEqual(384 - 2 * l.pad);
  });

  it('shrinks a long heading until it fits, on two lines if it must', () => {
    const heading = 'NGÀY CHUYỂN ĐỔI SỐ QUỐC GIA 10/10';
    for (const [width, height] of [[1280, 720], [384, 192], [128, 64]]) {
      const l = layoutSlide({ ...base, title: heading, body: 'Cài VNeID tại nhà văn hóa', width, height }, mono);
      expect(l.titleBand.lines.join(' ')).toBe(heading); // nothing dropped: "10/10" shows
      for (const line of l.titleBand.lines) expect(mono.width(line, l.titleBand.fontSize, true)).toBeLessThanOrEqual(width - 2 * l.pad);
      expect(l.titleBand.fontSize).toBeGreaterThanOrEqual(MIN_FONT_PX);
    }
  });

  it('refuses what cannot fit at the smallest legible size instead of cutting it', () => {
    expect(() => layoutSlide({ ...base, width: 128, height: 64, body: base.body.repeat(8) }, mono)).toThrow(SlideTooLong);
    expect(() => layoutSlide({ ...base, width: 128, height: 64, title: 'CHUYỂN ĐỔI SỐ '.repeat(6) }, mono)).toThrow(expect.objectContaining({ field: 'heading' }));
    expect(layoutSlide({ ...base, ticker: undefined }, mono).tickerBand).toBeNull();
  });
});
