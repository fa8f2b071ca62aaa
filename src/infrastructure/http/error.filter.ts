import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error';
import { ErrorCode, Lang, renderMessage } from './error-catalog';

/** The single place an error becomes an HTTP answer:
 *  `{ statusCode, code, message, fields?, requestId }`, message in the caller's language. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const error = this.toAppError(exception, req);
    if (error.code === 'UPLOAD_ABORTED') {
      this.logger.log({ msg: 'upload aborted by the client', requestId: req.requestId, path: req.originalUrl });
    } else if (error.status === 503) {
      this.logger.warn({ msg: 'database unavailable', requestId: req.requestId, path: req.originalUrl, error: exception instanceof Error ? exception.message : String(exception) });
    } else if (error.status >= 500) {
      this.logger.error({
        msg: 'unhandled error',
        requestId: req.requestId,
        path: req.originalUrl,
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    if (res.headersSent) return;
    if (error.status === 503) res.setHeader('Retry-After', '5');
    res.status(error.status).json(errorBody(error, languageOf(req), req.requestId));
  }

  private toAppError(exception: unknown, req: Request): AppError {
    if (exception instanceof AppError) return exception;
    if (databaseUnavailable(exception)) return new AppError('DATABASE_UNAVAILABLE');
    if (exception instanceof QueryFailedError) return fromDatabase(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return new AppError('ROUTE_NOT_FOUND', { path: `${req.method} ${req.path}` });
      if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', { limit: 'giới hạn cấu hình' });
      if (status === 401) return new AppError('UNAUTHENTICATED');
      if (status === 403) return new AppError('FORBIDDEN_ROLE');
      if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', { type: req.headers['content-type'] ?? '' });
      if (status < 500) return new AppError('VALIDATION_FAILED', {}, [{ field: '', codes: ['http'], message: exception.message }]);
    }
    // a client that goes away in the middle of an upload is not the service's error
    if ((req as Request & { aborted?: boolean }).aborted || /Request aborted|Unexpected end of form/i.test(exception instanceof Error ? exception.message : '')) return new AppError('UPLOAD_ABORTED');
    return new AppError('INTERNAL', { requestId: req.requestId });
  }
}

export function languageOf(req: Request): Lang {
  return /^en\b/i.test(String(req.headers['accept-language'] ?? '')) ? 'en' : 'vi';
}

export function errorBody(error: AppError, lang: Lang, requestId?: string) {
  const params = Object.fromEntries(
    Object.entries(error.params).map(([k, v]) => [k, v && typeof v === 'object' && lang in v ? (v as Record<Lang, string>)[lang] : v]),
  );
  return {
    statusCode: error.status,
    code: error.code,
    message: renderMessage(error.code, lang, { ...params, requestId }),
    ...(error.fields
      ? { fields: error.fields.map((f) => ({ field: f.field, codes: f.codes, message: lang === 'en' ? f.messageEn ?? f.message : f.message })) }
      : {}),
    requestId,
  };
}

/** PostgreSQL down, restarting, refusing connections or not answering: a 503 the client may retry. */
export function databaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string; driverError?: { code?: string; message?: string } } | null;
  if (!err || typeof err !== 'object') return false;
  const code = err.code ?? err.driverError?.code ?? '';
  const message = `${err.message ?? ''} ${err.driverError?.message ?? ''}`;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', '57014'].includes(code) ||
    /^08/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Connection ended|not queryable|Client has encountered a connection error/i.test(message)
  );
}

/** Constraint violations that slipped past the services' own checks still get a 4xx. */
function fromDatabase(e: QueryFailedError): AppError {
  const code = (e as unknown as { code?: string }).code;
  const map: Record<string, ErrorCode> = { '23505': 'CONFLICT', '23P01': 'CONFLICT', '23503': 'CONFLICT', '40P01': 'CONFLICT', '40001': 'CONFLICT', '23514': 'VALIDATION_FAILED', '23502': 'VALIDATION_FAILED' };
  // data exceptions (a value PostgreSQL cannot hold: out of range, bad encoding, impossible date) are the caller's
  const mapped = code ? (map[code] ?? (/^22/.test(code) || code === '54000' ? 'VALIDATION_FAILED' : undefined)) : undefined;
  if (!mapped) return new AppError('INTERNAL');
  const detail = (e as unknown as { detail?: string; constraint?: string }).constraint ?? '';
  return mapped === 'VALIDATION_FAILED'
    ? new AppError(mapped, {}, [{ field: detail, codes: [`db.${code}`], message: 'Giá trị không hợp lệ', messageEn: 'Invalid value' }])
    : new AppError(mapped, { constraint: detail });
}
