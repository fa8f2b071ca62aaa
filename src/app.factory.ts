import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { text } from 'express';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { DeviceTokenCache } from './auth/device-token-cache';
import { PlaylistCompiler } from './distribution/playlist-compiler';
import { installPlaylistPollFastPath } from './distribution/playlist-poll.middleware';
import type { AppConfig } from './infrastructure/config/app-config';
import { AppError } from './infrastructure/http/app-error';
import { ErrorFilter, errorBody, languageOf } from './infrastructure/http/error.filter';
import { bodyParsers, requestContext } from './infrastructure/http/request-context';
import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import { installMetrics } from './infrastructure/metrics/metrics-endpoint';
import { DatabaseWatch } from './infrastructure/database/database-watch';
import { InputTextPipe } from './infrastructure/http/input-text.pipe';
import { apiValidationPipe } from './infrastructure/http/validation.pipe';
import { JsonLogger } from './infrastructure/logging/json-logger';
import type { Runtime } from './infrastructure/runtime';
import { UNIT_CSV_LIMIT_BYTES } from './units/units.controller';

export const DOCS_PATH = 'api/docs';

/** An upload whose declared length is over the limit is refused before a byte of it is read. */
function uploadSizeGate(limitMb: number) {
  const limit = limitMb * 1024 * 1024 + 64 * 1024; // (the multipart envelope around the file)
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (req.method !== 'POST' || !req.path.startsWith('/api/v1/media-assets/') || !(declared > limit)) return next();
    const body = errorBody(new AppError('PAYLOAD_TOO_LARGE', { limit: `${limitMb} MB` }), languageOf(req), req.requestId);
    res.setHeader('Connection', 'close');
    res.status(413).json(body);
  };
}

/**
 * Security headers on every answer (helmet): the console runs with a strict CSP (no inline script or
 * style; media and downloads from this origin or blob:), may not be framed, and types are not sniffed.
 * The API documentation page (Swagger UI, which needs inline code) gets helmet without the CSP.
 */
function securityHeaders(tileUrl?: string) {
  // the map's tiles come from the configured tile server (and only from there)
  const tiles = tileUrl ? [new URL(tileUrl.replace(/\{[a-z]\}/g, '0')).origin] : [];
  const strict = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...tiles],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // HTTPS is the reverse proxy's to announce (HSTS there), not this service's
    strictTransportSecurity: false,
  });
  const docs = helmet({ contentSecurityPolicy: false, strictTransportSecurity: false });
  return (req: Request, res: Response, next: NextFunction) => (req.path.startsWith(`/${DOCS_PATH}`) ? docs(req, res, next) : strict(req, res, next));
}

/** Builds the HTTP application exactly as production runs it; tests call this too. */
export async function createApp(config: AppConfig, runtime: Runtime, logger = new JsonLogger(config.LOG_LEVEL)): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, runtime), {
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  app.use(requestContext(logger));
  app.use(securityHeaders(config.MAP_TILE_URL));
  app.use(app.get(DatabaseWatch).gate());
  app.use(uploadSizeGate(config.MEDIA_UPLOAD_LIMIT_MB));
  installMetrics(app, config.METRICS_TOKEN);
  app.use(text({ type: ['text/csv', 'text/plain'], limit: UNIT_CSV_LIMIT_BYTES }));
  app.use(...bodyParsers(config.JSON_BODY_LIMIT));
  app.useGlobalPipes(new InputTextPipe(), apiValidationPipe());
  app.useGlobalFilters(new ErrorFilter());
  app.disable('x-powered-by');
  if (config.TRUST_PROXY) app.set('trust proxy', config.TRUST_PROXY);
  // The web console: static files, no build step (src/console/public, copied to dist by nest build).
  const consoleDir = join(__dirname, 'console', 'public');
  app.useStaticAssets(consoleDir, { prefix: '/console/', index: false, maxAge: '1h' });
  // the map library, served from this origin (no CDN: offline installations, and the CSP)
  app.useStaticAssets(join(require.resolve('leaflet/package.json'), '..', 'dist'), { prefix: '/vendor/leaflet/', index: false, maxAge: '1d' });
  app.getHttpAdapter().get('/', (_req: unknown, res: unknown) => (res as { sendFile(path: string): void }).sendFile(join(consoleDir, 'index.html')));
  installPlaylistPollFastPath(app.getHttpServer(), app.get(DeviceTokenCache), app.get(PlaylistCompiler));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('bcast — lịch phát thanh cơ sở / commune broadcast scheduler')
      .setDescription('API của hệ thống lập lịch phát thanh xã và bảng LED công cộng. Lỗi: { statusCode, code, message, fields? }.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup(DOCS_PATH, app, document, { jsonDocumentUrl: `${DOCS_PATH}/openapi.json` });
  return app;
}
