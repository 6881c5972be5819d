export * from './env';
export * from './durations';
export * from './schemas';
export * from './worker';
export * from './temporal';
export * from './billing';
export * from './plans';
export * from './observability';
