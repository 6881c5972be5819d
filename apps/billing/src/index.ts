export * from './server';
export * from './worker';
export * from './activities';
export * from './names';
