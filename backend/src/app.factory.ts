import { BadRequestException, INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppModule } from './app.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { StorableTextPipe } from './common/http/storable-text.pipe';
import { compressionMiddleware, cspMiddleware, staticCacheHeaders } from './common/http/delivery';
import { createLogger } from './common/logging/logger';
import type { AppConfig } from './config/env.schema';
import { WebhookIngestService } from './modules/webhooks/webhook-ingest.service';
import { mountLeanWebhookRoute } from './modules/webhooks/webhook-raw-route';

function flattenErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`));
    return [...own, ...flattenErrors(e.children ?? [], path)];
  });
}

export function findSpaDir(cfg: AppConfig): string | undefined {
  const candidates = [
    cfg.spaDir,
    resolve(__dirname, '../../frontend/dist'),
    resolve(__dirname, '../../../frontend/dist'),
    resolve(process.cwd(), 'frontend/dist'),
  ];
  return candidates.find((d) => d && existsSync(join(d, 'index.html')));
}

/** Builds the Nest application with everything that is not a module: pipes, filters, security headers, docs, the SPA. */
export async function createApp(cfg: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(cfg), {
    rawBody: true,
    logger: createLogger(cfg),
    bufferLogs: false,
  });
  configureApp(app, cfg);
  return app;
}

export function configureApp(app: NestExpressApplication, cfg: AppConfig): INestApplication {
  // first: the ordinary Stripe webhook delivery is answered ahead of Express and the Nest pipeline (see the file)
  mountLeanWebhookRoute(app.getHttpServer(), app.get(WebhookIngestService));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '256kb' });
  app.use(compressionMiddleware());
  app.use(
    helmet({
      contentSecurityPolicy: false, // set per kind of page below (SPA / API docs), see common/http/delivery.ts
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(cspMiddleware(cfg));
  app.setGlobalPrefix('api', { exclude: ['admin/queues', 'admin/queues/{*path}'] });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(
    // first: text PostgreSQL cannot store (NUL, lone surrogates) in any body, query or path → 400 INVALID_CHARACTERS
    new StorableTextPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      stopAtFirstError: false,
      exceptionFactory: (errors) => new BadRequestException({ message: flattenErrors(errors) }),
    }),
  );
  // No app.enableShutdownHooks(): the entry points (main.ts, worker.ts, bench servers) handle SIGTERM themselves.
  // Nest's own handler would run app.close() next to theirs and then re-raise the signal once its listener is
  // gone, so the process died by SIGTERM (exit 143) instead of exiting 0 after draining.

  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('CollabPay API')
      .setDescription('Payments for brand–influencer collaborations. See shared/API.md for the contract.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/docs-json' });

  if (cfg.serveSpa) {
    const dir = findSpaDir(cfg);
    if (dir) {
      app.useStaticAssets(dir, {
        index: false,
        setHeaders: staticCacheHeaders,
      });
      const index = join(dir, 'index.html');
      app.use((req: Request, res: Response, next: NextFunction) => {
        // SPA fallback for client-side routes; API, sockets and the queue dashboard are not SPA routes
        if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/socket.io') || req.path.startsWith('/admin/queues')) return next();
        if (!req.accepts('html')) return next();
        res.setHeader('Cache-Control', 'no-cache');
        res.sendFile(index);
      });
    }
  }
  return app;
}
