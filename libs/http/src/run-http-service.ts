import { type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { type HttpConfig } from '@loyalty/config';
import { serveOpenApi } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';

export interface HttpServiceOptions {
  readonly title: string;
  readonly description: string;
  readonly http: HttpConfig;
  /** Largest accepted request body; larger ones get 413 problem+json. */
  readonly bodyLimitBytes?: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Creates a service's Nest application with the shared shell: Fastify, pino logs, problem+json
 * errors, OpenAPI at /docs, graceful shutdown on SIGTERM/SIGINT. The raw body is kept for
 * signature checks.
 */
export async function createHttpService(module: DynamicModule, options: Omit<HttpServiceOptions, 'http'>): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES, trustProxy: false });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, rawBody: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  serveOpenApi(app, options.title, options.description);
  return app;
}

/** Creates the application and listens; returns it so callers can close it. */
export async function runHttpService(module: DynamicModule, options: HttpServiceOptions): Promise<NestFastifyApplication> {
  const app = await createHttpService(module, options);
  await app.listen(options.http.port, options.http.host);
  return app;
}
