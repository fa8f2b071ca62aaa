import { Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../infrastructure/config/app-config';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import { JsonLogger } from '../infrastructure/logging/json-logger';
import { ensureAdmin } from './admin-bootstrap';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { DeviceTokenCache } from './device-token-cache';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';

export const TOKEN_SECRET = Symbol('TOKEN_SECRET');

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [TOKEN_SECRET],
      extraProviders: [],
      useFactory: (secret: string) => ({ secret, signOptions: { algorithm: 'HS256' } }),
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, TokenService, DeviceTokenCache, { provide: PasswordHasher, useValue: new PasswordHasher() }, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [PasswordHasher, TokenService, DeviceTokenCache],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await ensureAdmin(this.db, this.hasher, this.config.ADMIN_USERNAME, this.config.ADMIN_PASSWORD);
    if (!result.created) return;
    const logger = new JsonLogger();
    logger.warn({ msg: 'national administrator created', username: result.username }, 'auth');
    if (result.generatedPassword) {
      // Printed once, to the console only; the database keeps only the argon2id hash.
      process.stdout.write(
        `\nTài khoản quản trị ban đầu / initial administrator: ${result.username} / ${result.generatedPassword}\n` +
          `Hãy đổi mật khẩu sau khi đăng nhập (POST /api/v1/auth/password).\n\n`,
      );
    }
  }
}
