// Types for temporal.mjs, for the TypeScript test and benchmark suites that import it.
export interface TemporalHandle {
  address: string;
  uiUrl: string | null;
  namespace: string;
  embedded: boolean;
  pid: number | null;
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  stop(): Promise<void>;
}

export declare const TEMPORAL_CLI_MODULE: string;
export declare const TEMPORAL_CLI_VERSION: string;

export declare function ensureTemporal(options?: {
  dbFile?: string | null;
  headless?: boolean;
  log?: unknown;
  env?: Record<string, string | undefined>;
}): Promise<TemporalHandle>;

export declare function findTemporalCli(log?: unknown): Promise<string | null>;
export declare function installTemporalCli(log?: unknown): Promise<string>;
