import { DynamicModule, Global, Module } from '@nestjs/common';
import { TOKEN_SECRET } from '../auth/auth.module';
import type { Runtime } from './runtime';

export const RUNTIME = Symbol('RUNTIME');

/** What the service runs on (URLs of the database and broker, embedded handles). */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: TOKEN_SECRET, useValue: runtime.tokenSecret },
      ],
      exports: [RUNTIME, TOKEN_SECRET],
    };
  }
}
