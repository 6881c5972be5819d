import { join } from 'node:path';
import vectorsJson from './vectors.json';
import type { WebhookVerificationErrorCode } from './errors';

export interface SigningVector {
  name: string;
  secrets: string[];
  msgId: string;
  timestamp: number;
  body: string;
  /** The `webhook-signature` header that signing must produce. */
  signature: string;
}

export interface VerificationVector {
  name: string;
  /** What the receiver holds. */
  secrets: string[];
  headers: Record<string, string>;
  body: string;
  nowSec: number;
  expected: 'valid' | WebhookVerificationErrorCode;
}

export interface SigningVectors {
  toleranceSec: number;
  sign: SigningVector[];
  verify: VerificationVector[];
}

/**
 * One vectors file for every implementation (this package and the SDK), so the signer and every
 * verifier are held to the same bytes.
 */
export const SIGNING_VECTORS: SigningVectors = vectorsJson as SigningVectors;

/** For suites outside this package that want the raw file; tsc copies it next to the built code. */
export const SIGNING_VECTORS_PATH: string = join(__dirname, 'vectors.json');
