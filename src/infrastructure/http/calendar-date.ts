import { registerDecorator, ValidationOptions } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD that exists on the calendar (2026-02-30 and 2026-13-01 do not). */
export function isCalendarDate(v: unknown): boolean {
  if (typeof v !== 'string' || !DATE.test(v)) return false;
  const [y, m, d] = v.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && y <= 2999 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({ name: 'isCalendarDate', target: target.constructor, propertyName: propertyName as string, options, validator: { validate: (v) => isCalendarDate(v) } });
}
