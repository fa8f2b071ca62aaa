import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG } from '../infrastructure/config/config.module';
import type { AppConfig } from '../infrastructure/config/app-config';

export interface AccessTokenClaims {
  sub: string;
  /** token version; a raised user.tokenVersion revokes older tokens */
  tv: number;
}

@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  issue(userId: string, tokenVersion: number): { accessToken: string; expiresIn: number } {
    const claims: AccessTokenClaims = { sub: userId, tv: tokenVersion };
    return { accessToken: this.jwt.sign(claims, { expiresIn: this.config.TOKEN_TTL_S }), expiresIn: this.config.TOKEN_TTL_S };
  }

  verify(token: string): AccessTokenClaims | null {
    try {
      const claims = this.jwt.verify<AccessTokenClaims & { iat: number }>(token, { algorithms: ['HS256'] });
      return typeof claims.sub === 'string' && Number.isInteger(claims.tv) ? claims : null;
    } catch {
      return null;
    }
  }
}
