import { describe, expect, it } from 'vitest';
import { classifyAddress, embeddedIpv4, type AddressClass } from './address';
import { parseIp } from './ip';

function expectClasses(cases: Array<[string, AddressClass]>): void {
  for (const [ip, expected] of cases) expect([ip, classifyAddress(ip)]).toEqual([ip, expected]);
}

describe('classifyAddress: IPv4', () => {
  it('public unicast', () => {
    expectClasses([
      ['1.1.1.1', 'public'],
      ['8.8.8.8', 'public'],
      ['93.184.216.34', 'public'],
      ['9.255.255.255', 'public'],
      ['11.0.0.0', 'public'],
      ['100.63.255.255', 'public'],
      ['100.128.0.0', 'public'],
      ['126.255.255.255', 'public'],
      ['128.0.0.0', 'public'],
      ['169.253.255.255', 'public'],
      ['169.255.0.0', 'public'],
      ['172.15.255.255', 'public'],
      ['172.32.0.0', 'public'],
      ['192.0.1.255', 'public'],
      ['192.0.3.0', 'public'],
      ['192.167.255.255', 'public'],
      ['192.169.0.0', 'public'],
      ['198.17.255.255', 'public'],
      ['198.20.0.0', 'public'],
      ['223.255.255.255', 'public'],
    ]);
  });

  it('this-network / unspecified 0.0.0.0/8', () => {
    expectClasses([
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'unspecified'],
      ['0.255.255.255', 'unspecified'],
    ]);
  });

  it('private 10/8, 172.16/12, 192.168/16', () => {
    expectClasses([
      ['10.0.0.0', 'private'],
      ['10.255.255.255', 'private'],
      ['172.16.0.0', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.0', 'private'],
      ['192.168.255.255', 'private'],
    ]);
  });

  it('shared address space / CGNAT 100.64/10', () => {
    expectClasses([
      ['100.64.0.0', 'cgnat'],
      ['100.127.255.255', 'cgnat'],
      ['100.100.100.199', 'cgnat'],
    ]);
  });

  it('loopback 127/8', () => {
    expectClasses([
      ['127.0.0.1', 'loopback'],
      ['127.0.0.0', 'loopback'],
      ['127.255.255.255', 'loopback'],
      ['127.1.2.3', 'loopback'],
    ]);
  });

  it('link-local 169.254/16', () => {
    expectClasses([
      ['169.254.0.0', 'link-local'],
      ['169.254.255.255', 'link-local'],
      ['169.254.169.253', 'link-local'],
      ['169.254.169.123', 'link-local'],
    ]);
  });

  it('cloud metadata services', () => {
    expectClasses([
      ['169.254.169.254', 'metadata'],
      ['169.254.170.2', 'metadata'],
      ['100.100.100.200', 'metadata'],
      ['168.63.129.16', 'metadata'],
    ]);
    expect(classifyAddress('168.63.129.17')).toBe('public');
  });

  it('IETF protocol assignments, 6to4 relay anycast and class E are reserved', () => {
    expectClasses([
      ['192.0.0.0', 'reserved'],
      ['192.0.0.255', 'reserved'],
      ['192.88.99.1', 'reserved'],
      ['240.0.0.0', 'reserved'],
      ['250.1.2.3', 'reserved'],
      ['255.255.255.254', 'reserved'],
    ]);
  });

  it('documentation TEST-NET-1/2/3', () => {
    expectClasses([
      ['192.0.2.0', 'documentation'],
      ['192.0.2.255', 'documentation'],
      ['198.51.100.7', 'documentation'],
      ['203.0.113.255', 'documentation'],
    ]);
  });

  it('benchmarking 198.18/15', () => {
    expectClasses([
      ['198.18.0.0', 'benchmarking'],
      ['198.19.255.255', 'benchmarking'],
    ]);
  });

  it('multicast 224/4 and limited broadcast', () => {
    expectClasses([
      ['224.0.0.0', 'multicast'],
      ['224.0.0.251', 'multicast'],
      ['239.255.255.255', 'multicast'],
      ['255.255.255.255', 'broadcast'],
    ]);
  });

  it('non-canonical spellings are invalid, never a guess', () => {
    expectClasses([
      ['127.1', 'invalid'],
      ['0x7f.1', 'invalid'],
      ['017700000001', 'invalid'],
      ['2130706433', 'invalid'],
      ['0177.0.0.1', 'invalid'],
      ['127.0.0.01', 'invalid'],
      ['0x7f000001', 'invalid'],
      ['', 'invalid'],
      ['example.com', 'invalid'],
      ['1.2.3.4:80', 'invalid'],
    ]);
  });
});

describe('classifyAddress: IPv6', () => {
  it('public global unicast 2000::/3', () => {
    expectClasses([
      ['2606:4700:4700::1111', 'public'],
      ['2001:4860:4860::8888', 'public'],
      ['2a00:1450:4001::1', 'public'],
      ['3ffe::1', 'public'],
      ['2001:200::1', 'public'], // just past 2001::/23
      ['2001:db7:ffff::1', 'public'],
      ['2001:db9::1', 'public'],
    ]);
  });

  it('unspecified and loopback, in every spelling', () => {
    expectClasses([
      ['::', 'unspecified'],
      ['0:0:0:0:0:0:0:0', 'unspecified'],
      ['::1', 'loopback'],
      ['0:0:0:0:0:0:0:1', 'loopback'],
      ['[::1]', 'loopback'],
      ['0000::0001', 'loopback'],
    ]);
  });

  it('IPv4-mapped ::ffff:0:0/96 takes the class of its IPv4 address', () => {
    expectClasses([
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['[::ffff:127.0.0.1]', 'loopback'],
      ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
      ['::ffff:169.254.169.254', 'metadata'],
      ['::ffff:a9fe:a9fe', 'metadata'],
      ['::ffff:10.0.0.1', 'private'],
      ['::ffff:0.0.0.0', 'unspecified'],
      ['::ffff:8.8.8.8', 'public'],
    ]);
  });

  it('IPv4-translated ::ffff:0:0:0/96 likewise', () => {
    expectClasses([
      ['::ffff:0:127.0.0.1', 'loopback'],
      ['::ffff:0:192.168.1.1', 'private'],
      ['::ffff:0:8.8.8.8', 'public'],
    ]);
  });

  it('NAT64 64:ff9b::/96 likewise; local-use NAT64 is private', () => {
    expectClasses([
      ['64:ff9b::127.0.0.1', 'loopback'],
      ['64:ff9b::a9fe:a9fe', 'metadata'],
      ['64:ff9b::10.1.2.3', 'private'],
      ['64:ff9b::1.1.1.1', 'public'],
      ['64:ff9b:1::1', 'private'],
      ['64:ff9b:1:ffff::1.1.1.1', 'private'],
    ]);
  });

  it('6to4 2002::/16 takes the class of the embedded IPv4', () => {
    expectClasses([
      ['2002:7f00:1::', 'loopback'],
      ['2002:7f00:0001::1', 'loopback'],
      ['2002:a9fe:a9fe::1', 'metadata'],
      ['2002:c0a8:101::1', 'private'],
      ['2002:808:808::1', 'public'],
    ]);
  });

  it('deprecated IPv4-compatible ::/96 is never public', () => {
    expectClasses([
      ['::127.0.0.1', 'loopback'],
      ['::10.0.0.1', 'private'],
      ['::8.8.8.8', 'reserved'],
      ['::2', 'unspecified'],
    ]);
  });

  it('unique-local fc00::/7 and the AWS IPv6 metadata address', () => {
    expectClasses([
      ['fc00::', 'unique-local'],
      ['fc00::1', 'unique-local'],
      ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
      ['fd12:3456:789a::1', 'unique-local'],
      ['fd00:ec2::254', 'metadata'],
      ['fd00:ec2:0:0:0:0:0:254', 'metadata'],
      ['fd00:ec2::253', 'unique-local'],
    ]);
  });

  it('link-local fe80::/10, with or without zones', () => {
    expectClasses([
      ['fe80::', 'link-local'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['[fe80::1%25eth0]', 'link-local'],
      ['febf:ffff::1', 'link-local'],
    ]);
  });

  it('deprecated site-local fec0::/10', () => {
    expectClasses([
      ['fec0::1', 'site-local'],
      ['feff:ffff::1', 'site-local'],
    ]);
  });

  it('multicast ff00::/8', () => {
    expectClasses([
      ['ff02::1', 'multicast'],
      ['ff05::1:3', 'multicast'],
      ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast'],
    ]);
  });

  it('documentation 2001:db8::/32 and 3fff::/20', () => {
    expectClasses([
      ['2001:db8::1', 'documentation'],
      ['2001:0db8:ffff:ffff::1', 'documentation'],
      ['3fff::1', 'documentation'],
      ['3fff:fff::1', 'documentation'],
      ['3fff:1000::1', 'public'],
    ]);
  });

  it('benchmarking 2001:2::/48', () => {
    expectClasses([
      ['2001:2::1', 'benchmarking'],
      ['2001:2:0:ffff::1', 'benchmarking'],
    ]);
  });

  it('reserved: IETF assignments incl. Teredo, discard-only, SRv6, and everything outside 2000::/3', () => {
    expectClasses([
      ['2001::1', 'reserved'], // Teredo
      ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
      ['2001:1ff::1', 'reserved'],
      ['100::1', 'reserved'],
      ['5f00::1', 'reserved'],
      ['1::1', 'reserved'],
      ['4000::1', 'reserved'],
      ['e000::1', 'reserved'],
      ['fe00::1', 'reserved'],
      ['::1:0:0:0', 'reserved'],
    ]);
  });

  it('malformed IPv6 is invalid', () => {
    expectClasses([
      [':::1', 'invalid'],
      ['::ffff:127.1', 'invalid'],
      ['[::1', 'invalid'],
      ['fe80::1%', 'invalid'],
      ['1:2:3:4:5:6:7:8:9', 'invalid'],
    ]);
  });
});

describe('embeddedIpv4', () => {
  const embedded = (ip: string) => {
    const parsed = parseIp(ip);
    return parsed ? embeddedIpv4(parsed) : null;
  };

  it('extracts the IPv4 address and says how it is embedded', () => {
    expect(embedded('::ffff:1.2.3.4')).toEqual({ kind: 'mapped', bytes: [1, 2, 3, 4] });
    expect(embedded('::ffff:0:1.2.3.4')).toEqual({ kind: 'translated', bytes: [1, 2, 3, 4] });
    expect(embedded('64:ff9b::1.2.3.4')).toEqual({ kind: 'nat64', bytes: [1, 2, 3, 4] });
    expect(embedded('2002:102:304::')).toEqual({ kind: '6to4', bytes: [1, 2, 3, 4] });
    expect(embedded('::1.2.3.4')).toEqual({ kind: 'compatible', bytes: [1, 2, 3, 4] });
  });

  it('finds none where there is none', () => {
    expect(embedded('::')).toBeNull();
    expect(embedded('::1')).toBeNull();
    expect(embedded('2606:4700::1')).toBeNull();
    expect(embedded('1.2.3.4')).toBeNull();
  });
});
