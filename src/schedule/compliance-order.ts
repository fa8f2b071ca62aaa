/**
 * Compliance rows in the order of the unit they belong to, then their channel (stable: periods keep
 * their order). Sorted here rather than by the database, so that a merge, which moves channels to
 * another unit, does not reorder the rows of the periods before it — and whatever the collation.
 */
export function byOwner<T>(rows: Array<{ path: string; name: string; row: T }>): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows].sort((a, b) => cmp(a.path, b.path) || cmp(a.name, b.name)).map((r) => r.row);
}
