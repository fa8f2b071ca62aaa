import { Transform } from 'class-transformer';

/**
 * A boolean in a body or a query string, read strictly: true/false (or "true"/"false" in a query).
 * Anything else is left as it is, so @IsBoolean refuses it with a 400 naming the field — never
 * `Boolean("false") === true`.
 */
export function StrictBoolean(): PropertyDecorator {
  return Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
}
