/** TypeORM answers UPDATE/DELETE … RETURNING with [rows, count], other statements with rows. */
export function returnedRows<T = Record<string, unknown>>(raw: unknown): T[] {
  return (Array.isArray(raw) && Array.isArray(raw[0]) ? raw[0] : raw) as T[];
}
