import { parseDuration } from './durations';
/**
 * Small typed readers over an environment record. They throw a single ConfigError listing every
 * problem at once, so a misconfigured deployment fails at start-up with the whole picture.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return value;
  }

  int(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name} must be a boolean (true/false), got "${raw}"`);
    return fallback;
  }

  list(name: string, fallback: string[] = []): string[] {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    return raw
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
    return fallback;
  }

  /** Fails with every collected problem; call once after reading everything. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

export function readDurationList(
  r: EnvReader,
  name: string,
  fallback: readonly number[],
): number[] {
  const raw = r.list(name);
  if (raw.length === 0) return [...fallback];
  const values = raw.map(parseDuration);
  if (values.some((v) => v === null)) {
    r.problems.push(`${name} must be a comma-separated list of durations like 0,5s,5m,2h`);
    return [...fallback];
  }
  return values as number[];
}

export function readDuration(r: EnvReader, name: string, fallbackMs: number): number {
  const raw = r.string(name);
  if (raw === undefined) return fallbackMs;
  const value = parseDuration(raw);
  if (value === null) {
    r.problems.push(`${name} must be a duration like 500ms, 15s, 5m, got "${raw}"`);
    return fallbackMs;
  }
  return value;
}
