export * from './connector-event';
export * from './member-snapshot';
export * from './to-connector-event';
