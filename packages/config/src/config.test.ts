import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '@herald/domain';
import { ConfigError, loadApiConfig, readDeliveryConfig, EnvReader } from './index';

const base = {
  DATABASE_URL: 'postgres://localhost/herald',
  HERALD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('loadApiConfig', () => {
  it('applies defaults', () => {
    const config = loadApiConfig(base);
    expect(config.port).toBe(4000);
    expect(config.limits.maxPayloadBytes).toBe(256 * 1024);
    expect(config.limits.schemaValidationBudgetMs).toBe(250);
    expect(config.security.secretRotationGraceMs).toBe(24 * 3_600_000);
    expect(config.security.encryptionKey.length).toBe(32);
    expect(config.security.operatorToken).toBeNull();
  });

  it('reads overrides and lists', () => {
    const config = loadApiConfig({
      ...base,
      PORT: '5050',
      HERALD_ALLOW_HTTP: 'false',
      HERALD_SSRF_ALLOWLIST: '127.0.0.0/8, ::1/128 ,localhost',
    });
    expect(config.port).toBe(5050);
    expect(config.security.allowHttp).toBe(false);
    expect(config.security.ssrfAllowList).toEqual(['127.0.0.0/8', '::1/128', 'localhost']);
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadApiConfig({ PORT: 'abc', HERALD_ENCRYPTION_KEY: 'c2hvcnQ=' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/32 bytes/);
  });

  it('turns introspection off by default in production only, and lets the operator choose', () => {
    expect(loadApiConfig({ ...base, HERALD_ENV: 'production' }).security.introspection).toBe(false);
    expect(loadApiConfig({ ...base, HERALD_ENV: 'development' }).security.introspection).toBe(true);
    expect(
      loadApiConfig({ ...base, HERALD_ENV: 'production', HERALD_GRAPHQL_INTROSPECTION: 'true' })
        .security.introspection,
    ).toBe(true);
  });

  it('defaults to refusing plain http in production', () => {
    expect(loadApiConfig({ ...base, HERALD_ENV: 'production' }).security.allowHttp).toBe(false);
  });
});

describe('readDeliveryConfig', () => {
  it("defaults to the domain's retry policy, so that is the one place to change it", () => {
    const delivery = readDeliveryConfig(new EnvReader({}));
    expect(delivery.retryScheduleMs).toEqual([...DEFAULT_RETRY_POLICY.schedule]);
    expect(delivery.jitter).toBe(DEFAULT_RETRY_POLICY.jitter);
    expect(delivery.minDelayAfterThrottleMs).toBe(DEFAULT_RETRY_POLICY.minDelayAfterThrottleMs);
    expect(delivery.maxRetryAfterMs).toBe(DEFAULT_RETRY_POLICY.maxRetryAfterMs);
  });

  it('still lets the operator choose the schedule', () => {
    const delivery = readDeliveryConfig(new EnvReader({ HERALD_RETRY_SCHEDULE: '0,1s,2s' }));
    expect(delivery.retryScheduleMs).toEqual([0, 1_000, 2_000]);
  });
});
