export * from './database';
export * from './entities';
export * from './migrations';
export * from './roles';
export * from './crypto';
export * from './repositories';
export * from './notify';
export * from './rows';
