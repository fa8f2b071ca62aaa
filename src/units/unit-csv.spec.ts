import { CsvFormatError, parseUnitCsv } from './unit-csv';

describe('parseUnitCsv', () => {
  it('reads Vietnamese headers, kind words with diacritics, a BOM and semicolons', () => {
    const csv = '\uFEFFMã;Tên;Cấp;Mã cấp trên\n38;Tỉnh Thanh Hóa;Tỉnh;\n15943;Xã Trung Thượng;Xã;38\n';
    const { rows, rejected } = parseUnitCsv(csv);
    expect(rejected).toEqual([]);
    expect(rows).toEqual([
      { line: 2, code: '38', name: 'Tỉnh Thanh Hóa', kind: 'province', parentCode: null, timezone: null },
      { line: 3, code: '15943', name: 'Xã Trung Thượng', kind: 'commune', parentCode: '38', timezone: null },
    ]);
  });

  it('rejects bad rows with their line number and keeps the good ones', () => {
    const csv = [
      'code,name,kind,parent_code,timezone',
      'P1,Province,province,,Asia/Ho_Chi_Minh',
      'bad code!,X,commune,P1,',
      'C1,,commune,P1,',
      'C2,Commune 2,hamlet-ish,P1,',
      'C3,Commune 3,commune,P1,Mars/Olympus',
      'C4,Commune 4,commune,C4,',
      'C5,"Xã Năm, cũ",commune,P1,',
      'C6,Short',
    ].join('\n');
    const { rows, rejected } = parseUnitCsv(csv);
    expect(rows.map((r) => r.code)).toEqual(['P1', 'C5']);
    expect(rows[1].name).toBe('Xã Năm, cũ');
    expect(rejected.map((r) => [r.line, r.reason])).toEqual([
      [3, 'codeInvalid'],
      [4, 'nameInvalid'],
      [5, 'kindUnknown'],
      [6, 'timezoneInvalid'],
      [7, 'parentIsSelf'],
      [9, 'columnCount'],
    ]);
    expect(rejected[0].message).toMatch(/^Dòng 3: mã đơn vị/);
  });

  it('refuses a file without the required columns or with broken quoting', () => {
    expect(() => parseUnitCsv('code,name\nA,B\n')).toThrow(CsvFormatError);
    expect(() => parseUnitCsv('')).toThrow(CsvFormatError);
    expect(() => parseUnitCsv('code,name,kind,parent_code\n"A,B,commune,\n')).toThrow(CsvFormatError);
  });
});
