export * from './errors';
export * from './plans';
export * from './store';
export * from './stripe-client';
export * from './billing-service';
export * from './webhooks';
export * from './server';
