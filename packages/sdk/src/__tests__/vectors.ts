import { readFileSync } from 'node:fs';
import type { WebhookVerificationErrorCode } from '../webhooks/errors.js';

// The very file packages/signing tests against, read from there, so the Node signer and this
// verifier can never drift apart on the bytes.
export const VECTORS_URL = new URL('../../../signing/src/vectors.json', import.meta.url);

export interface SigningVector {
  name: string;
  secrets: string[];
  msgId: string;
  timestamp: number;
  body: string;
  signature: string;
}

export interface VerificationVector {
  name: string;
  secrets: string[];
  headers: Record<string, string>;
  body: string;
  nowSec: number;
  expected: 'valid' | WebhookVerificationErrorCode;
}

export const VECTORS = JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as {
  toleranceSec: number;
  sign: SigningVector[];
  verify: VerificationVector[];
};
