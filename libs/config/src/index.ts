export * from './config-error';
export * from './parse-env';
export * from './kafka.config';
export * from './database.config';
export * from './http.config';
export * from './auth.config';
export * from './webhook.config';
export * from './admin.config';
