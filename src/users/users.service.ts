import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { PasswordHasher } from '../auth/password-hasher';
import { checkPassword } from '../auth/password-policy';
import { User } from '../auth/user.entity';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { UnitsService } from '../units/units.service';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto } from './dto/user.dto';

const USER_NOT_FOUND = { vi: 'người dùng', en: 'user' };

/** People and their roles; an administrator manages only users of their own subtree. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly units: UnitsService,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, q: ListUsersQuery): Promise<User[]> {
    const qb = this.db.getRepository(User).createQueryBuilder('u').leftJoin('units', 'un', 'un.id = u.unitId').orderBy('u.username');
    if (!actor.isNational) qb.where('un.path LIKE :prefix', { prefix: `${actor.pathPrefix}%` });
    if (q.unitId) qb.andWhere('u.unitId = :unitId', { unitId: q.unitId });
    if (q.role) qb.andWhere('u.role = :role', { role: q.role });
    return qb.getMany();
  }

  async get(actor: Actor, id: string, tx: EntityManager = this.db.manager): Promise<{ user: User; unitPath: string | null }> {
    const rows: Array<{ path: string | null }> = await tx.query('SELECT un.path FROM users u LEFT JOIN units un ON un.id = u.unit_id WHERE u.id = $1', [id]);
    if (!rows.length) throw AppError.notFound(USER_NOT_FOUND);
    const unitPath = rows[0].path;
    // National users (no unit) are visible only to national administrators.
    if (!actor.covers(unitPath) || (unitPath === null && !actor.isNational)) throw AppError.notFound(USER_NOT_FOUND);
    return { user: await tx.findOneByOrFail(User, { id }), unitPath };
  }

  async create(actor: Actor, dto: CreateUserDto): Promise<User> {
    checkPassword(dto.password, dto.username);
    const passwordHash = await this.hasher.hash(dto.password);
    return this.db.transaction(async (tx) => {
      const unitPath = await this.checkPlacement(tx, actor, dto.role, dto.unitId ?? null);
      if (await tx.existsBy(User, { username: dto.username })) throw new AppError('USERNAME_TAKEN', { username: dto.username });
      const { identifiers } = await tx.insert(User, {
        username: dto.username,
        displayName: dto.displayName.trim(),
        jobTitle: dto.jobTitle?.trim() || null,
        passwordHash,
        role: dto.role,
        unitId: dto.unitId ?? null,
      }).catch((err: { code?: string }) => {
        if (err.code === '23505') throw new AppError('USERNAME_TAKEN', { username: dto.username });
        throw err;
      });
      const user = await tx.findOneByOrFail(User, { id: identifiers[0].id });
      await this.audit.record(tx, actor, { action: 'user.create', entityType: 'user', entityId: user.id, unitPath, changes: { after: user } });
      return user;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<User> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id]);
      const { user: before, unitPath: beforePath } = await this.get(actor, id, tx);
      // an administrator of a unit manages the people below it; its fellow administrators are managed from above
      if (!actor.isNational && before.role === 'admin' && before.id !== actor.id && beforePath === actor.unitPath) throw new AppError('PEER_ADMIN');
      if (dto.password) checkPassword(dto.password, before.username);
      const passwordHash = dto.password ? await this.hasher.hash(dto.password) : undefined;
      const role = dto.role ?? before.role;
      const unitId = dto.unitId !== undefined ? dto.unitId : before.unitId;
      const unitPath = await this.checkPlacement(tx, actor, role, unitId, before.id === actor.id && role === before.role && unitId === before.unitId);
      const active = dto.active ?? before.active;
      await this.keepOneNationalAdmin(tx, before, role, unitId, active);
      const revokes = role !== before.role || unitId !== before.unitId || active !== before.active || passwordHash !== undefined;
      await tx.update(User, { id }, {
        displayName: dto.displayName?.trim() ?? before.displayName,
        jobTitle: dto.jobTitle !== undefined ? dto.jobTitle?.trim() || null : before.jobTitle,
        role,
        unitId,
        active,
        ...(passwordHash ? { passwordHash } : {}),
        tokenVersion: revokes ? before.tokenVersion + 1 : before.tokenVersion,
      });
      const after = await tx.findOneByOrFail(User, { id });
      await this.audit.record(tx, actor, {
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        unitPath,
        changes: { before, after, passwordReset: passwordHash !== undefined },
      });
      return after;
    });
  }

  /** Where a user may be placed: inside the actor's scope; only national admins make national admins. */
  private async checkPlacement(tx: EntityManager, actor: Actor, role: User['role'], unitId: string | null, self = false): Promise<string | null> {
    if (unitId === null) {
      if (role !== 'admin') throw new AppError('UNIT_REQUIRED', { role });
      if (!actor.isNational) throw new AppError('ROLE_ABOVE_OWN', { role: 'admin (toàn quốc)' });
      return null;
    }
    const path = (await this.units.get(actor, unitId, tx)).path;
    if (role === 'admin' && !actor.isNational && path === actor.unitPath && !self) throw new AppError('PEER_ADMIN');
    return path;
  }

  private async keepOneNationalAdmin(tx: EntityManager, before: User, role: string, unitId: string | null, active: boolean): Promise<void> {
    const wasNationalAdmin = before.role === 'admin' && before.unitId === null && before.active;
    const staysNationalAdmin = role === 'admin' && unitId === null && active;
    if (!wasNationalAdmin || staysNationalAdmin) return;
    const [{ n }] = await tx.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND unit_id IS NULL AND active AND id <> $1`, [before.id]);
    if (n === 0) throw new AppError('LAST_ADMIN');
  }
}
