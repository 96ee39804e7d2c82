import { LoggerModule } from 'nestjs-pino';

/** Header and body paths that may carry secrets; pino replaces them before anything is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-admin-key"]',
  'req.headers["x-signature"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** Structured JSON logs (pino) for a service, with secrets redacted. */
export function serviceLoggerModule(service: string) {
  return LoggerModule.forRoot({
    pinoHttp: {
      name: service,
      level: process.env['LOG_LEVEL'] ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      // Successful requests are access logs (debug): at thousands per second, logging each one at
      // info costs a large share of a core. Client errors are warnings, server errors errors.
      customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    },
  });
}
