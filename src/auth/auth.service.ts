import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from './actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { PeriodicJobs } from '../infrastructure/jobs/periodic-jobs';
import { Cron } from '@nestjs/schedule';
import { checkPassword } from './password-policy';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { User } from './user.entity';

/** Wrong passwords in a row before an account waits, and how long it waits. */
export const LOCK_AFTER = 5;
export const LOCK_MINUTES = 15;
/** A refused login never answers sooner: a known name and an unknown one take the same time. */
export const FAIL_FLOOR_MS = 250;

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
    private readonly periodic: PeriodicJobs,
  ) {}

  /** Daily, on one instance: failed-login counts of addresses that have been quiet for two days go. */
  @Cron('0 25 3 * * *')
  async loginThrottleTick(now = new Date()): Promise<boolean> {
    return this.periodic.run('auth.login-throttle', 86_400_000, async () => {
      await this.db.query(`DELETE FROM login_throttle WHERE updated_at < $1::timestamptz - interval '2 days' AND (locked_until IS NULL OR locked_until < $1)`, [now]);
    }, now);
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hasher.hash(randomBytes(16).toString('hex'));
  }

  /**
   * Wrong passwords are counted per account and client address (LOCK_AFTER in a row: that address
   * waits LOCK_MINUTES, doubled at each further lockout, up to a day), so a stranger cannot keep the
   * owner out. Every refusal takes at least FAIL_FLOOR_MS, whether the name exists or not.
   */
  async login(username: string, password: string, address = 'unknown') {
    const started = Date.now();
    const refuse = async (error: AppError): Promise<never> => {
      const wait = FAIL_FLOOR_MS - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      throw error;
    };
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username: username.trim().toLowerCase() })
      .getOne();
    if (user) {
      // (checked before the hash, which is the slow part)
      const [lock] = await this.db.query(`SELECT ceil(extract(epoch FROM locked_until - now()) / 60)::int AS minutes FROM login_throttle WHERE user_id = $1 AND address = $2 AND locked_until > now()`, [user.id, address]);
      if (lock) return refuse(new AppError('LOGIN_LOCKED', { minutes: lock.minutes }));
    }
    const ok = await this.hasher.verify(user?.passwordHash ?? this.dummyHash, password);
    if (user && !ok) {
      await this.db.query(
        `INSERT INTO login_throttle AS t (user_id, address, failures) VALUES ($1, $2, 1)
         ON CONFLICT (user_id, address) DO UPDATE SET
           failures = CASE WHEN t.failures + 1 >= $3 THEN 0 ELSE t.failures + 1 END,
           lockouts = CASE WHEN t.failures + 1 >= $3 THEN t.lockouts + 1 ELSE t.lockouts END,
           locked_until = CASE WHEN t.failures + 1 >= $3 THEN now() + make_interval(mins => least($4 * power(2, t.lockouts)::int, 1440)) ELSE t.locked_until END,
           updated_at = now()`,
        [user.id, address, LOCK_AFTER, LOCK_MINUTES],
      );
    }
    if (!user || !ok || !user.active) return refuse(new AppError('INVALID_CREDENTIALS'));
    await this.db.query(`DELETE FROM login_throttle WHERE user_id = $1 AND address = $2`, [user.id, address]);
    await this.db.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [user.id]);
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
