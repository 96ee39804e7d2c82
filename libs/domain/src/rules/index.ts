export * from './rules-state';
export * from './rules-command';
export * from './rules-decision';
export * from './evolve-rules';
export * from './decide-tier';
export * from './decide-day';
export * from './expiry-hold';
