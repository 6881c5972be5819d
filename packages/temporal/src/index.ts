export * from './names';
export * from './connection';
export * from './dispatcher';
export * from './schedules';
