export * from './logger';
export * from './context';
export { redact, redactText, isSensitiveKey, REDACTED } from './redact';
export * from './metrics';
export * from './tracing';
