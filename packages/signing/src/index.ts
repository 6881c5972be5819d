export * from './errors';
export * from './secret';
export * from './sign';
export * from './headers';
export * from './verify';
export * from './vectors';
