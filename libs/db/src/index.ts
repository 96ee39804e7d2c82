export * from './schema/database';
export * from './create-database';
export * from './migrate';
export * from './migrations';
export * from './schema/rules-tables';
export * from './schema/connector-tables';
