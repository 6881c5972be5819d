export * from './errors';
export * from './plans';
export * from './store';
export * from './pg-store';
export * from './usage-reporter';
export * from './stripe-client';
export * from './billing-service';
export * from './webhooks';
