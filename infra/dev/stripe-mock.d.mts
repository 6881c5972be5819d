// Types for stripe-mock.mjs, for the TypeScript test suites that import it.
export interface StripeMockHandle {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  pid: number | null;
  stop(): Promise<void>;
}

export declare const STRIPE_MOCK_MODULE: string;
export declare const STRIPE_MOCK_VERSION: string;

export declare function ensureStripeMock(options?: { log?: unknown }): Promise<StripeMockHandle>;
export declare function findStripeMock(): Promise<string | null>;
export declare function installStripeMock(log?: unknown): Promise<string>;
