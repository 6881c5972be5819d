export * from './applications';
export * from './attempts';
export * from './endpoints';
export * from './event-types';
export * from './identity';
export * from './messages';
export * from './pagination';
export * from './publish';
