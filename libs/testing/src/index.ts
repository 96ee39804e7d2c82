export * from './test-stack';
export * from './unique-id';
export * from './test-database';
export * from './test-kafka';
export * from './test-api-keys';
export * from './eventually';
