import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { AppError } from './app-error';

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls. PostgreSQL refuses NUL outright. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const NULLABLE = new WeakMap<object, Set<string>>();

/** Marks properties of a request DTO where `null` means something (e.g. "no parent", "drop this medium"). */
export function Nullable(...fields: string[]): ClassDecorator {
  return (target) => {
    NULLABLE.set(target, new Set([...(NULLABLE.get(target) ?? []), ...fields]));
  };
}

/**
 * Runs before validation on every body, query and route parameter: text is normalised to NFC (so
 * "Sơn Điện" typed on any keyboard is one string), control characters are refused with the field
 * named, and `null` is refused where the DTO does not allow it. Bodies that are not DTOs (device
 * event batches, which refuse bad items one by one) are left to their own parser.
 */
@Injectable()
export class InputTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body' && !isDto(metadata.metatype)) return value;
    const nullable = (metadata.metatype && NULLABLE.get(metadata.metatype)) || new Set<string>();
    return clean(value, metadata.type === 'body' ? '' : (metadata.data ?? ''), 0, nullable);
  }
}

function isDto(metatype: unknown): boolean {
  return typeof metatype === 'function' && getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
}

function clean(v: unknown, path: string, depth: number, nullable: Set<string>): unknown {
  if (typeof v === 'string') {
    if (CONTROL_CHARACTERS.test(v)) throw AppError.field(path || 'body', 'controlCharacters', 'không được chứa ký tự điều khiển (ví dụ NUL)', 'must not contain control characters (e.g. NUL)');
    return v.normalize('NFC');
  }
  if (v === null) {
    if (depth === 1 && nullable.has(path)) return v;
    throw AppError.field(path || 'body', 'isNotNull', 'không được để trống (null)', 'must not be null');
  }
  if (Array.isArray(v)) return v.map((x, i) => clean(x, path ? `${path}.${i}` : String(i), depth + 1, nullable));
  if (typeof v === 'object' && v !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (CONTROL_CHARACTERS.test(k)) throw AppError.field(path || 'body', 'controlCharacters', 'tên trường chứa ký tự điều khiển', 'a field name contains control characters');
      out[k] = clean(x, path ? `${path}.${k}` : k, depth + 1, nullable);
    }
    return out;
  }
  return v;
}
