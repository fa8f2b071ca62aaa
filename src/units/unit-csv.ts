import { parse } from 'csv-parse/sync';
import { CONTROL_CHARACTERS } from '../infrastructure/http/input-text.pipe';
import { isValidTimeZone } from '../infrastructure/time/time-zone';
import { foldVietnamese, parseUnitKind, UnitKind, UNIT_KINDS } from './unit-kind';

export interface UnitCsvRow {
  line: number;
  code: string;
  name: string;
  kind: UnitKind;
  parentCode: string | null;
  timezone: string | null;
}

export interface RowRejection {
  line: number;
  code: string | null;
  reason: string;
  message: string;
}

export const UNIT_CODE_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

/** Column names an office may use, folded (no diacritics, lowercase), mapped to ours. */
const HEADERS: Record<string, keyof Omit<UnitCsvRow, 'line'>> = {
  code: 'code', ma: 'code', 'ma don vi': 'code', ma_don_vi: 'code',
  name: 'name', ten: 'name', 'ten don vi': 'name', ten_don_vi: 'name',
  kind: 'kind', cap: 'kind', loai: 'kind',
  parent_code: 'parentCode', parentcode: 'parentCode', parent: 'parentCode', 'ma cap tren': 'parentCode', ma_cap_tren: 'parentCode',
  timezone: 'timezone', 'mui gio': 'timezone', mui_gio: 'timezone',
};

export class CsvFormatError extends Error {}

/**
 * Reads a units CSV (code, name, kind, parent code[, timezone]) and checks each row on its own.
 * Rows that refer to other rows or to the database are checked later by the importer.
 */
export function parseUnitCsv(text: string): { rows: UnitCsvRow[]; rejected: RowRejection[] } {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter: [',', ';', '\t'],
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (err) {
    throw new CsvFormatError(err instanceof Error ? err.message : String(err));
  }
  if (records.length === 0) throw new CsvFormatError('tệp rỗng / empty file');

  const columns = records[0].map((h) => HEADERS[foldVietnamese(h)]);
  for (const required of ['code', 'name', 'kind', 'parentCode'] as const) {
    if (!columns.includes(required)) {
      throw new CsvFormatError(`thiếu cột ${required === 'parentCode' ? 'parent_code' : required} / missing column`);
    }
  }

  const rows: UnitCsvRow[] = [];
  const rejected: RowRejection[] = [];
  records.slice(1).forEach((record, i) => {
    const line = i + 2;
    const value = (key: keyof Omit<UnitCsvRow, 'line'>) => {
      const idx = columns.indexOf(key);
      return idx >= 0 ? (record[idx] ?? '').trim() : '';
    };
    const code = value('code');
    const reject = (reason: string, message: string) => rejected.push({ line, code: code || null, reason, message });

    if (record.length < columns.filter(Boolean).length) return reject('columnCount', `Dòng ${line}: thiếu cột (có ${record.length})`);
    if (!UNIT_CODE_PATTERN.test(code)) return reject('codeInvalid', `Dòng ${line}: mã đơn vị "${code}" không hợp lệ (1–32 ký tự chữ, số, . _ -)`);
    const name = value('name').normalize('NFC');
    if (CONTROL_CHARACTERS.test(record.join(''))) return reject('controlCharacters', `Dòng ${line}: có ký tự điều khiển (ví dụ NUL)`);
    if (!name || name.length > 200) return reject('nameInvalid', `Dòng ${line}: tên đơn vị trống hoặc dài quá 200 ký tự`);
    const kind = parseUnitKind(value('kind'));
    if (!kind) return reject('kindUnknown', `Dòng ${line}: cấp "${value('kind')}" không hợp lệ (${UNIT_KINDS.join(', ')}, hoặc tỉnh, xã, thôn…)`);
    const parentCode = value('parentCode') || null;
    if (parentCode !== null && !UNIT_CODE_PATTERN.test(parentCode)) return reject('parentCodeInvalid', `Dòng ${line}: mã cấp trên "${parentCode}" không hợp lệ`);
    if (parentCode === code) return reject('parentIsSelf', `Dòng ${line}: đơn vị không thể là cấp trên của chính nó`);
    const timezone = value('timezone') || null;
    if (timezone && !isValidTimeZone(timezone)) return reject('timezoneInvalid', `Dòng ${line}: múi giờ "${timezone}" không hợp lệ`);
    rows.push({ line, code, name, kind, parentCode, timezone });
  });
  return { rows, rejected };
}
