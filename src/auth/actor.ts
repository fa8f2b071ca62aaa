import type { Role } from './role';

/** The signed-in person a request acts for, with the unit subtree they may see and change. */
export class Actor {
  constructor(
    readonly id: string,
    readonly username: string,
    readonly role: Role,
    readonly unitId: string | null,
    /** null: the whole country (national administrators only). */
    readonly unitPath: string | null,
  ) {}

  get isNational(): boolean {
    return this.unitPath === null;
  }

  /** True when the unit with this path is inside the actor's subtree. */
  covers(unitPath: string | null): boolean {
    if (this.unitPath === null) return true;
    return unitPath !== null && unitPath.startsWith(this.unitPath);
  }

  /**
   * SQL condition on a units alias for content the actor may read: their subtree, plus the units
   * above them, whose programs flow down to them (R2). Parameters: :scopePrefix, :scopePath.
   */
  readableUnitsSql(alias: string): { sql: string; params: { scopePrefix: string; scopePath: string } } {
    return {
      sql: `(${alias}.path LIKE :scopePrefix OR :scopePath LIKE ${alias}.path || '%')`,
      params: { scopePrefix: `${this.pathPrefix}%`, scopePath: this.unitPath ?? '' },
    };
  }

  /** SQL prefix for `path LIKE :prefix` filters; '' matches every unit. */
  get pathPrefix(): string {
    return this.unitPath ?? '';
  }
}

/** A system action (first start, migrations, scheduled jobs) still names who did it. */
export const SYSTEM_ACTOR = new Actor('00000000-0000-0000-0000-000000000000', 'system', 'admin', null, null);
