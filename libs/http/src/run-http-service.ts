import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { type HttpConfig } from '@loyalty/config';
import { serveOpenApi } from './openapi';
import { ProblemDetailsFilter } from './problem-details.filter';

export interface HttpServiceOptions {
  readonly title: string;
  readonly description: string;
  readonly http: HttpConfig;
}

/**
 * Creates a service's Nest application with the shared shell: pino logs, problem+json errors,
 * OpenAPI at /docs, graceful shutdown on SIGTERM/SIGINT. Used by each main.ts and by e2e tests.
 */
export async function createHttpService(module: DynamicModule, options: Omit<HttpServiceOptions, 'http'>): Promise<INestApplication> {
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  serveOpenApi(app, options.title, options.description);
  return app;
}

/** Creates the application and listens; returns it so callers can close it. */
export async function runHttpService(module: DynamicModule, options: HttpServiceOptions): Promise<INestApplication> {
  const app = await createHttpService(module, options);
  await app.listen(options.http.port, options.http.host);
  return app;
}
