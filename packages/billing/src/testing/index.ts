export * from './database';
export * from './fixtures';
