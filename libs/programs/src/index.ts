export * from './program-catalog';
export * from './program-files';
