import { describe, expect, it } from 'vitest';
import {
  checkResolvedAddresses,
  EMPTY_ALLOW_LIST,
  isAddressAllowed,
  isHostAllowListed,
  normalizeHostname,
  parseAllowList,
} from './allow-list';
import { ValidationError } from './errors';

describe('parseAllowList', () => {
  it('sorts entries into CIDRs, names and suffixes', () => {
    const list = parseAllowList([
      '127.0.0.0/8',
      '::1/128',
      '10.1.2.3',
      'fd00::1',
      'Receiver.Example.Test.',
      '*.svc.cluster.local',
      ' ',
      '',
    ]);
    expect(list.cidrs.map((c) => [c.family, c.prefixLength])).toEqual([
      [4, 8],
      [6, 128],
      [4, 32],
      [6, 128],
    ]);
    expect(list.hostnames).toEqual(['receiver.example.test']);
    expect(list.hostnameSuffixes).toEqual(['svc.cluster.local']);
  });

  it.each([
    '10.0.0.1/8',
    '10.0.0.0/33',
    '127.1',
    '0x7f.0.0.1',
    '::1/129',
    'fe80::1%eth0',
    '*',
    '*.',
    'a.*.b',
    'exa mple.test',
    '-bad.test',
    'a..b',
    'http://x.test',
  ])('refuses %j with a ValidationError naming it', (entry) => {
    expect(() => parseAllowList([entry])).toThrow(ValidationError);
    expect(() => parseAllowList([entry])).toThrow(entry.trim());
  });
});

describe('isAddressAllowed', () => {
  it('allows public addresses with an empty list', () => {
    expect(isAddressAllowed('8.8.8.8')).toEqual({ allowed: true, class: 'public' });
    expect(isAddressAllowed('2606:4700::1111', EMPTY_ALLOW_LIST)).toEqual({
      allowed: true,
      class: 'public',
    });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['fd00::1', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['127.1', 'invalid'],
    ['not-an-ip', 'invalid'],
  ] as const)('refuses %s (%s) with an empty list', (ip, addressClass) => {
    expect(isAddressAllowed(ip)).toEqual({ allowed: false, class: addressClass });
  });

  it('allows non-public addresses inside a listed CIDR, IPv4', () => {
    const list = parseAllowList(['127.0.0.0/8', '10.20.0.0/16', '192.168.1.128/25']);
    expect(isAddressAllowed('127.0.0.1', list)).toEqual({ allowed: true, class: 'loopback' });
    expect(isAddressAllowed('127.255.0.9', list).allowed).toBe(true);
    expect(isAddressAllowed('10.20.255.255', list).allowed).toBe(true);
    expect(isAddressAllowed('10.21.0.0', list).allowed).toBe(false);
    expect(isAddressAllowed('10.19.255.255', list).allowed).toBe(false);
    expect(isAddressAllowed('192.168.1.128', list).allowed).toBe(true);
    expect(isAddressAllowed('192.168.1.127', list).allowed).toBe(false);
    expect(isAddressAllowed('::1', list).allowed).toBe(false);
  });

  it('allows non-public addresses inside a listed CIDR, IPv6', () => {
    const list = parseAllowList(['::1/128', 'fd12:3456::/32', 'fe80::/64']);
    expect(isAddressAllowed('::1', list)).toEqual({ allowed: true, class: 'loopback' });
    expect(isAddressAllowed('[::1]', list).allowed).toBe(true);
    expect(isAddressAllowed('fd12:3456:ffff::1', list).allowed).toBe(true);
    expect(isAddressAllowed('fd12:3457::1', list).allowed).toBe(false);
    expect(isAddressAllowed('fe80::1%eth0', list).allowed).toBe(true);
    expect(isAddressAllowed('fe80:0:0:1::1', list).allowed).toBe(false);
    expect(isAddressAllowed('127.0.0.1', list).allowed).toBe(false);
  });

  it('matches IPv4-mapped addresses against IPv4 entries, other embeddings only against IPv6 entries', () => {
    const list = parseAllowList(['127.0.0.0/8']);
    expect(isAddressAllowed('::ffff:127.0.0.1', list)).toEqual({
      allowed: true,
      class: 'loopback',
    });
    expect(isAddressAllowed('::ffff:7f00:2', list).allowed).toBe(true);
    expect(isAddressAllowed('64:ff9b::127.0.0.1', list).allowed).toBe(false);
    expect(isAddressAllowed('2002:7f00:1::', list).allowed).toBe(false);
    expect(isAddressAllowed('::127.0.0.1', list).allowed).toBe(false);
    expect(isAddressAllowed('64:ff9b::127.0.0.1', parseAllowList(['64:ff9b::/96'])).allowed).toBe(
      true,
    );
  });

  it('needs an exact entry for metadata addresses; a covering range is not enough', () => {
    expect(isAddressAllowed('169.254.169.254', parseAllowList(['169.254.0.0/16'])).allowed).toBe(
      false,
    );
    expect(isAddressAllowed('169.254.1.1', parseAllowList(['169.254.0.0/16'])).allowed).toBe(true);
    expect(isAddressAllowed('169.254.169.254', parseAllowList(['0.0.0.0/0'])).allowed).toBe(false);
    expect(isAddressAllowed('169.254.169.254', parseAllowList(['169.254.169.254'])).allowed).toBe(
      true,
    );
    expect(isAddressAllowed('fd00:ec2::254', parseAllowList(['fd00::/8'])).allowed).toBe(false);
    expect(isAddressAllowed('fd00:ec2::254', parseAllowList(['fd00:ec2::254/128'])).allowed).toBe(
      true,
    );
    expect(
      isAddressAllowed('::ffff:169.254.169.254', parseAllowList(['169.254.0.0/16'])).allowed,
    ).toBe(false);
    expect(
      isAddressAllowed('::ffff:169.254.169.254', parseAllowList(['169.254.169.254/32'])).allowed,
    ).toBe(true);
  });

  it('never allows an invalid literal, whatever the list', () => {
    const everything = parseAllowList(['0.0.0.0/0', '::/0']);
    for (const ip of ['127.1', '0x7f.0.0.1', '017700000001', 'localhost', '']) {
      expect(isAddressAllowed(ip, everything)).toEqual({ allowed: false, class: 'invalid' });
    }
  });
});

describe('isHostAllowListed', () => {
  const list = parseAllowList(['receiver.internal', '*.svc.cluster.local', '127.0.0.0/8', '::1']);

  it('matches names exactly, case- and trailing-dot-insensitively', () => {
    expect(isHostAllowListed('receiver.internal', list)).toBe(true);
    expect(isHostAllowListed('RECEIVER.internal.', list)).toBe(true);
    expect(isHostAllowListed('other.internal', list)).toBe(false);
    expect(isHostAllowListed('x.receiver.internal', list)).toBe(false);
  });

  it('matches wildcard entries on strict subdomains only', () => {
    expect(isHostAllowListed('api.svc.cluster.local', list)).toBe(true);
    expect(isHostAllowListed('a.b.svc.cluster.local', list)).toBe(true);
    expect(isHostAllowListed('svc.cluster.local', list)).toBe(false);
    expect(isHostAllowListed('evilsvc.cluster.local', list)).toBe(false);
    expect(isHostAllowListed('svc.cluster.local.evil.test', list)).toBe(false);
  });

  it('matches IP literal hosts by CIDR', () => {
    expect(isHostAllowListed('127.0.0.1', list)).toBe(true);
    expect(isHostAllowListed('[::1]', list)).toBe(true);
    expect(isHostAllowListed('::ffff:127.0.0.1', list)).toBe(true);
    expect(isHostAllowListed('10.0.0.1', list)).toBe(false);
  });

  it('refuses malformed names', () => {
    expect(isHostAllowListed('', list)).toBe(false);
    expect(isHostAllowListed('a b.svc.cluster.local', list)).toBe(false);
  });
});

describe('checkResolvedAddresses', () => {
  // The operator allowed one loopback address and two names; the names resolving elsewhere in
  // 127/8 must not reach those other addresses.
  const list = parseAllowList(['127.0.0.1/32', 'allowed.example.test', '*.wild.example.test']);

  it('checks the addresses of an allow-listed name against the CIDR entries', () => {
    expect(isHostAllowListed('allowed.example.test', list)).toBe(true);
    expect(isHostAllowListed('x.wild.example.test', list)).toBe(true);
    expect(checkResolvedAddresses(['127.0.0.2'], list)).toEqual({
      allowed: false,
      address: '127.0.0.2',
      class: 'loopback',
    });
    expect(checkResolvedAddresses(['127.0.0.1'], list)).toEqual({ allowed: true });
  });

  it('allows public addresses and refuses every other class outside a CIDR entry', () => {
    expect(checkResolvedAddresses(['8.8.8.8', '2606:4700::1111'], list)).toEqual({
      allowed: true,
    });
    for (const address of ['10.0.0.1', '169.254.169.254', '::1', '::ffff:127.0.0.2', 'fd00::1']) {
      expect(checkResolvedAddresses([address], list).allowed, address).toBe(false);
    }
  });

  it('refuses when any one address is refused, and when there is none', () => {
    expect(checkResolvedAddresses(['127.0.0.1', '8.8.8.8', '192.168.1.1'], list)).toMatchObject({
      allowed: false,
      address: '192.168.1.1',
      class: 'private',
    });
    expect(checkResolvedAddresses([], list)).toEqual({
      allowed: false,
      address: null,
      class: 'invalid',
    });
    expect(checkResolvedAddresses(['not-an-ip'], list).allowed).toBe(false);
  });
});

describe('normalizeHostname', () => {
  it('lower-cases and drops one trailing dot', () => {
    expect(normalizeHostname('Example.TEST.')).toBe('example.test');
    expect(normalizeHostname('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    expect(normalizeHostname('_dmarc.example.test')).toBe('_dmarc.example.test');
  });

  it.each([
    '',
    '.',
    'a..b',
    '-a.test',
    'a-.test',
    'a b',
    'a/b',
    'a'.repeat(64) + '.test',
    ('a'.repeat(63) + '.').repeat(4) + 'test',
    'bücher.test',
    'a.test..',
    '1.2.3.4',
    '0x7f.0.0.1',
    'host.0x1',
    'example.123',
  ])('refuses %j', (host) => {
    expect(normalizeHostname(host)).toBeNull();
  });
});
