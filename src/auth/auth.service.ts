import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Actor } from './actor';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../infrastructure/http/app-error';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { User } from './user.entity';

@Injectable()
export class AuthService implements OnModuleInit {
  /** Verified against when the username is unknown, so both failures take the same time. */
  private dummyHash = '';

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
    const ok = await this.hasher.verify(user?.passwordHash ?? this.dummyHash, password);
    if (!user || !ok || !user.active) throw new AppError('INVALID_CREDENTIALS');
    await this.db.getRepository(User).update({ id: user.id }, { lastLoginAt: new Date() });
    const { passwordHash: _, ...profile } = user;
    return { ...this.tokens.issue(user.id, user.tokenVersion), tokenType: 'Bearer', user: profile };
  }

  /** Changing the password revokes every token issued before. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string) {
    await this.db.transaction(async (tx) => {
      const user = await tx.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: actor.id }).setLock('pessimistic_write').getOneOrFail();
      if (!(await this.hasher.verify(user.passwordHash, currentPassword))) throw new AppError('WRONG_PASSWORD');
      await tx.update(User, { id: user.id }, { passwordHash: await this.hasher.hash(newPassword), tokenVersion: user.tokenVersion + 1 });
      await this.audit.record(tx, actor, { action: 'user.password', entityType: 'user', entityId: user.id, unitPath: actor.unitPath, changes: { passwordChanged: true } });
    });
    const user = await this.db.getRepository(User).findOneByOrFail({ id: actor.id });
    return this.tokens.issue(user.id, user.tokenVersion);
  }
}
