import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { json, urlencoded } from 'express';
import { AppError } from './app-error';
import { errorBody, languageOf } from './error.filter';
import { JsonLogger } from '../logging/json-logger';
import { requestStore } from './request-store';

declare module 'express-serve-static-core' {
  interface Request {
    requestId?: string;
  }
}

/** Request id (from X-Request-Id or new), and an access log line per request. */
export function requestContext(logger: JsonLogger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    req.requestId = typeof incoming === 'string' && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(
        {
          msg: 'request',
          requestId: req.requestId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
          userId: (req as unknown as { user?: { id: string } }).user?.id,
        },
        'http',
      );
    });
    requestStore.run({ requestId: req.requestId }, next);
  };
}

/** JSON body parsing whose failures (bad JSON, too large) answer in the API's error format. */
export function bodyParsers(limitBytes: number) {
  const parse = [json({ limit: limitBytes }), urlencoded({ extended: false, limit: limitBytes })];
  const onError = (err: { type?: string; status?: number }, req: Request, res: Response, next: NextFunction) => {
    if (!err) return next();
    let error: AppError;
    if (err.type === 'entity.too.large') error = new AppError('PAYLOAD_TOO_LARGE', { limit: `${limitBytes} bytes` });
    else if (err.type === 'entity.parse.failed') error = new AppError('INVALID_JSON');
    else if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') error = new AppError('UNSUPPORTED_MEDIA_TYPE', { type: String(req.headers['content-type']) });
    else if (err.status && err.status < 500) error = new AppError('VALIDATION_FAILED');
    else return next(err);
    res.status(error.status).json(errorBody(error, languageOf(req), req.requestId));
  };
  return [...parse, onError];
}
