import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from './actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { checkPassword } from './password-policy';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { User } from './user.entity';

/** Wrong passwords in a row before an account waits, and how long it waits. */
export const LOCK_AFTER = 5;
export const LOCK_MINUTES = 15;

@Injectable()
export class AuthService implements OnModuleInit {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private dummyHash = '';

  /** Wrong current passwords per user (this instance), for the pause after five. */
  private readonly passwordTries = new Map<string, { count: number; since: number }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hasher.hash(randomBytes(16).toString('hex'));
  }

  async login(username: string, password: string) {
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username: username.trim().toLowerCase() })
      .getOne();
    if (user) {
      // after LOCK_AFTER wrong passwords in a row the account waits LOCK_MINUTES (checked before the hash, which is the slow part)
      const [lock] = await this.db.query(`SELECT ceil(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM users WHERE id = $1 AND locked_until > now()`, [user.id]);
      if (lock) throw new AppError('LOGIN_LOCKED', { minutes: lock.minutes });
    }
    const ok = await this.hasher.verify(user?.passwordHash ?? this.dummyHash, password);
    if (user && !ok) {
      await this.db.query(
        `UPDATE users SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                          locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
          WHERE id = $1`,
        [user.id, LOCK_AFTER, LOCK_MINUTES],
      );
    }
    if (!user || !ok || !user.active) throw new AppError('INVALID_CREDENTIALS');
    await this.db.query(`UPDATE users SET last_login_at = now(), failed_logins = 0, locked_until = NULL WHERE id = $1`, [user.id]);
    const { passwordHash: _, ...profile } = user;
    return { ...this.tokens.issue(user.id, user.tokenVersion), tokenType: 'Bearer', user: profile };
  }

  /** Logging out ends every session of the user (tokens carry the user's token version). */
  async logout(actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [actor.id]);
      await this.audit.record(tx, actor, { action: 'user.logout', entityType: 'user', entityId: actor.id, unitPath: actor.unitPath, changes: { sessionsEnded: true } });
    });
  }

  /** Changing the password revokes every token issued before. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string) {
    checkPassword(newPassword, actor.username, 'newPassword');
    // a stolen session cannot guess the current password: five wrong tries, then a pause
    const tries = this.passwordTries.get(actor.id);
    if (tries && tries.count >= 5 && Date.now() - tries.since < 15 * 60_000) throw new AppError('TOO_MANY_ATTEMPTS', { minutes: Math.ceil((15 * 60_000 - (Date.now() - tries.since)) / 60_000) });
    await this.db.transaction(async (tx) => {
      const user = await tx.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: actor.id }).setLock('pessimistic_write').getOneOrFail();
      if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
        const t = this.passwordTries.get(actor.id);
        this.passwordTries.set(actor.id, t && Date.now() - t.since < 15 * 60_000 ? { count: t.count + 1, since: t.since } : { count: 1, since: Date.now() });
        throw new AppError('WRONG_PASSWORD');
      }
      this.passwordTries.delete(actor.id);
      await tx.update(User, { id: user.id }, { passwordHash: await this.hasher.hash(newPassword), tokenVersion: user.tokenVersion + 1 });
      await this.audit.record(tx, actor, { action: 'user.password', entityType: 'user', entityId: user.id, unitPath: actor.unitPath, changes: { passwordChanged: true } });
    });
    const user = await this.db.getRepository(User).findOneByOrFail({ id: actor.id });
    return this.tokens.issue(user.id, user.tokenVersion);
  }
}
