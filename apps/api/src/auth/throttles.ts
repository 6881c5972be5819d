import { createHash } from 'node:crypto';
import type { IdentityThrottles as ThrottleConfig } from '@herald/config';
import type { Database } from '@herald/db';
import { RateLimitedError } from '@herald/domain';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

const MINUTE = 60;
const HOUR = 3600;

/**
 * Throttles on sign-up, log-in and invitation acceptance, kept in PostgreSQL
 * (rate-limiter-flexible's PostgreSQL store, table `identity_throttles`) so that every API
 * process and replica counts against the same budget: a second process does not give a password
 * guesser fresh tries. Keys are SHA-256 of what is throttled, so the table holds no addresses.
 */
export class IdentityThrottles {
  private readonly logInByEmail: RateLimiterPostgres;
  private readonly logInByAddress: RateLimiterPostgres;
  private readonly signUpByEmail: RateLimiterPostgres;
  private readonly signUpByAddress: RateLimiterPostgres;
  private readonly acceptByAddress: RateLimiterPostgres;

  constructor(db: Database, config: ThrottleConfig) {
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new RateLimiterPostgres({
        storeClient: db.dataSource,
        storeType: 'typeorm',
        tableName: 'identity_throttles',
        tableCreated: true,
        keyPrefix,
        points,
        duration,
      });
    this.logInByEmail = limiter('login-email', config.logInPerEmailPerMinute, MINUTE);
    this.logInByAddress = limiter('login-ip', config.logInPerAddressPerMinute, MINUTE);
    this.signUpByEmail = limiter('signup-email', config.signUpPerEmailPerHour, HOUR);
    this.signUpByAddress = limiter('signup-ip', config.signUpPerAddressPerHour, HOUR);
    this.acceptByAddress = limiter('accept-ip', config.acceptInvitationPerAddressPerMinute, MINUTE);
  }

  /** One log-in attempt for this account from this address (a password is about to be checked). */
  logIn(email: string, address: string | null): Promise<void> {
    return this.take('Too many log-in attempts; wait a minute', [
      [this.logInByEmail, mailbox(email)],
      [this.logInByAddress, address],
    ]);
  }

  /** One sign-up; aliases of one mailbox (case, +tags) count as that mailbox. */
  signUp(email: string, address: string | null): Promise<void> {
    return this.take('Too many sign-ups; try again later', [
      [this.signUpByEmail, mailbox(email)],
      [this.signUpByAddress, address],
    ]);
  }

  acceptInvitation(address: string | null): Promise<void> {
    return this.take('Too many invitation attempts; wait a minute', [
      [this.acceptByAddress, address],
    ]);
  }

  private async take(
    message: string,
    checks: [limiter: RateLimiterPostgres, key: string | null][],
  ): Promise<void> {
    for (const [limiter, key] of checks) {
      if (key === null) continue;
      try {
        await limiter.consume(digest(key));
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        throw new RateLimitedError(message, { retryAfterMs: Math.max(error.msBeforeNext, 1) });
      }
    }
  }
}

/**
 * The mailbox an address delivers to, as far as it can be known without asking the provider:
 * case-insensitive, and the `+tag` sub-addressing most providers offer removed.
 */
export function mailbox(email: string): string {
  const value = (email ?? '').trim().toLowerCase();
  const at = value.lastIndexOf('@');
  if (at <= 0) return value;
  const local = value.slice(0, at).split('+')[0];
  return `${local}${value.slice(at)}`;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
