import { ValidationError } from 'class-validator';
import { FieldProblem } from './app-error';

/** Vietnamese / English wording for class-validator constraint names. */
const WORDING: Record<string, [string, string]> = {
  whitelistValidation: ['trường này không được phép gửi', 'this field is not allowed'],
  isString: ['phải là chuỗi ký tự', 'must be a string'],
  isNotEmpty: ['không được để trống', 'must not be empty'],
  isDefined: ['là bắt buộc', 'is required'],
  isInt: ['phải là số nguyên', 'must be an integer'],
  isNumber: ['phải là số', 'must be a number'],
  isBoolean: ['phải là true hoặc false', 'must be true or false'],
  isUUID: ['phải là mã UUID hợp lệ', 'must be a UUID'],
  isIn: ['phải là một trong các giá trị: {values}', 'must be one of: {values}'],
  isEnum: ['phải là một trong các giá trị: {values}', 'must be one of: {values}'],
  isISO8601: ['phải là thời điểm ISO-8601 (ví dụ 2026-12-01T05:30:00+07:00)', 'must be an ISO-8601 date-time'],
  min: ['phải lớn hơn hoặc bằng {0}', 'must be at least {0}'],
  max: ['phải nhỏ hơn hoặc bằng {0}', 'must be at most {0}'],
  minLength: ['phải dài ít nhất {0} ký tự', 'must be at least {0} characters long'],
  maxLength: ['không được dài quá {0} ký tự', 'must be at most {0} characters long'],
  matches: ['không đúng định dạng', 'has the wrong format'],
  isTimeZone: ['phải là múi giờ IANA (ví dụ Asia/Ho_Chi_Minh)', 'must be an IANA time zone'],
  isObject: ['phải là một đối tượng', 'must be an object'],
  isArray: ['phải là một danh sách', 'must be an array'],
  nestedValidation: ['có phần tử không hợp lệ', 'contains invalid items'],
  isCalendarDate: ['phải là ngày có thật, dạng YYYY-MM-DD (ví dụ 2026-10-10)', 'must be a real date as YYYY-MM-DD (e.g. 2026-10-10)'],
  isNotNull: ['không được để trống (null)', 'must not be null'],
  arrayMinSize: ['cần ít nhất {0} phần tử', 'must have at least {0} items'],
  arrayMaxSize: ['có tối đa {0} phần tử', 'must have at most {0} items'],
  arrayUnique: ['các phần tử không được trùng nhau', 'items must be distinct'],
};

function word(constraint: string, args: unknown[], lang: 0 | 1): string {
  const template = WORDING[constraint]?.[lang] ?? (lang === 0 ? 'không hợp lệ' : 'is invalid');
  return template
    .replace('{values}', (args[0] as unknown[] | undefined)?.join?.(', ') ?? Object.values((args[0] as object) ?? {}).join(', '))
    .replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

/** Flattens class-validator errors into one FieldProblem per offending field (dotted paths). */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const constraints = e.constraints ? Object.keys(e.constraints) : [];
    if (constraints.length) {
      const args = (name: string) => {
        const meta = (e as unknown as { contexts?: Record<string, { args?: unknown[] }> }).contexts?.[name];
        return meta?.args ?? extractArgs(e, name);
      };
      out.push({
        field,
        codes: constraints,
        message: `${field}: ${constraints.map((c) => word(c, args(c), 0)).join('; ')}`,
        messageEn: `${field}: ${constraints.map((c) => word(c, args(c), 1)).join('; ')}`,
      });
    }
    if (e.children?.length) out.push(...toFieldProblems(e.children, field));
  }
  return out;
}

/** class-validator keeps constraint arguments only in its metadata; recover them from its English text. */
function extractArgs(e: ValidationError, name: string): unknown[] {
  const text = e.constraints?.[name] ?? '';
  if (name === 'isIn' || name === 'isEnum') {
    const m = text.match(/following values: (.*)$/);
    return [m ? m[1].split(/,\s*/) : []];
  }
  const n = text.match(/(-?\d+(\.\d+)?)/);
  return n ? [n[1]] : [];
}
