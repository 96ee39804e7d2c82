export * from './events/generated/ledger-event.types';
export * from './events/ledger-event';
export * from './program/program-config';
export * from './earning/line-points';
export * from './time/iso-time';
