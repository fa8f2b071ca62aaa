import { layoutSlide, SlideSpec, wrap } from './slide-layout';

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
  it('wraps on words, keeps paragraphs and splits words longer than a line', () => {
    expect(wrap('Xã Trung Thượng huyện Quan Sơn', 12)).toEqual(['Xã Trung', 'Thượng huyện', 'Quan Sơn']);
    expect(wrap('một\nhai ba', 20)).toEqual(['một', 'hai ba']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('gives the title a band at the top, the ticker a band at the bottom and the body what is left', () => {
    const l = layoutSlide(base);
    expect(l.titleBand).toMatchObject({ y: 0, height: 38, lines: ['CHUYỂN ĐỔI SỐ'] });
    expect(l.tickerBand).toMatchObject({ y: 168, height: 24 });
    expect(l.body.y).toBeGreaterThanOrEqual(38);
    expect(l.body.y + l.body.lines.length * l.body.lineHeight).toBeLessThanOrEqual(168);
    expect(l.body.lines.join(' ')).toBe(base.body);
  });

  it('shrinks the body font until the text fits, and cuts with an ellipsis when it cannot', () => {
    const small = layoutSlide({ ...base, width: 128, height: 64, body: base.body.repeat(8) });
    const last = small.body.lines[small.body.lines.length - 1];
    expect(small.body.fontSize).toBe(8);
    expect(last.endsWith('…')).toBe(true);
    expect(layoutSlide({ ...base, ticker: undefined }).tickerBand).toBeNull();
  });
});
