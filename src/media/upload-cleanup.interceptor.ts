import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { catchError, Observable, throwError } from 'rxjs';

/** An upload already on disk is deleted when anything after it fails (validation, scope, …),
 *  so a refused request leaves no file behind. */
@Injectable()
export class UploadCleanupInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<{ file?: { path?: string } }>();
    return next.handle().pipe(
      catchError((err) => {
        const path = req.file?.path;
        return path ? new Observable((sub) => void rm(path, { force: true }).finally(() => sub.error(err))) : throwError(() => err);
      }),
    );
  }
}
