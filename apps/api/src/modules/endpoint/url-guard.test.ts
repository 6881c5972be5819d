import { ValidationError } from '@herald/domain';
import { describe, expect, it } from 'vitest';
import { EndpointUrlGuard, type ResolveHost } from './url-guard';

// A fake resolver: these tests exercise the decision, never the network.
const zone: Record<string, string[]> = {
  'hooks.example.com': ['8.8.8.8'],
  'sneaky.example.com': ['1.1.1.1', '10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
  'v6-loopback.example.com': ['::1'],
};
const fakeResolve: ResolveHost = async (host) => {
  const found = zone[host];
  if (!found) throw new Error('ENOTFOUND');
  return found;
};

async function reason(guard: EndpointUrlGuard, url: string): Promise<string | undefined> {
  try {
    await guard.check(url);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details?.reason as string;
  }
}

describe('EndpointUrlGuard', () => {
  const strict = new EndpointUrlGuard({ allowHttp: false, allowList: [] }, fakeResolve);

  it('accepts https hosts resolving to public addresses', async () => {
    await expect(strict.check('https://hooks.example.com/in')).resolves.toBe(
      'https://hooks.example.com/in',
    );
  });

  it('refuses a host when any resolved address is internal', async () => {
    expect(await reason(strict, 'https://sneaky.example.com/')).toBe('ADDRESS_NOT_ALLOWED');
    expect(await reason(strict, 'https://metadata.example.com/')).toBe('ADDRESS_NOT_ALLOWED');
    expect(await reason(strict, 'https://v6-loopback.example.com/')).toBe('ADDRESS_NOT_ALLOWED');
  });

  it('refuses literals, plain http and unresolvable hosts', async () => {
    expect(await reason(strict, 'https://127.0.0.1/')).toBe('ADDRESS_NOT_ALLOWED');
    expect(await reason(strict, 'http://hooks.example.com/')).toBe('SCHEME_NOT_ALLOWED');
    expect(await reason(strict, 'https://nowhere.example.com/')).toBe('HOST_UNRESOLVABLE');
    expect(await reason(strict, 'https://user:pw@hooks.example.com/')).toBe('CREDENTIALS_IN_URL');
  });

  it('lets the operator allow-list loopback', async () => {
    const dev = new EndpointUrlGuard(
      { allowHttp: true, allowList: ['127.0.0.0/8', '::1/128'] },
      fakeResolve,
    );
    await expect(dev.check('http://127.0.0.1:9000/hook')).resolves.toBe(
      'http://127.0.0.1:9000/hook',
    );
    await expect(dev.check('https://v6-loopback.example.com/')).resolves.toBeDefined();
    expect(await reason(dev, 'https://sneaky.example.com/')).toBe('ADDRESS_NOT_ALLOWED');
  });
});

describe('EndpointUrlGuard, allow-listed names', () => {
  const allowList = ['127.0.0.1/32', 'allowed.example.test', '*.wild.example.test'];
  const guardFor = (address: string) =>
    new EndpointUrlGuard({ allowHttp: true, allowList }, async (host) => {
      if (host === 'allowed.example.test' || host === 'x.wild.example.test') return [address];
      throw new Error('ENOTFOUND');
    });

  it('still checks what an allow-listed name resolves to', async () => {
    const guard = guardFor('127.0.0.2');
    expect(await reason(guard, 'http://allowed.example.test/')).toBe('ADDRESS_NOT_ALLOWED');
    expect(await reason(guard, 'http://x.wild.example.test/')).toBe('ADDRESS_NOT_ALLOWED');
  });

  it('accepts an allow-listed name resolving inside a CIDR entry', async () => {
    const guard = guardFor('127.0.0.1');
    expect(await reason(guard, 'http://allowed.example.test/')).toBeUndefined();
    expect(await reason(guard, 'http://x.wild.example.test/')).toBeUndefined();
  });

  it('lifts the name rules for an allow-listed internal name, not the address rules', async () => {
    const guard = new EndpointUrlGuard(
      { allowHttp: true, allowList: ['hooks.internal', '10.1.0.0/16'] },
      async (host) => (host === 'hooks.internal' ? ['10.1.2.3'] : ['10.9.9.9']),
    );
    expect(await reason(guard, 'http://hooks.internal/')).toBeUndefined();
    expect(await reason(guard, 'http://other.internal/')).toBe('HOST_NOT_ALLOWED');
  });
});
