import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, parseCidr, parseIp } from './ip';

const text = (input: string) => {
  const parsed = parseIp(input);
  return parsed ? formatIp(parsed) : null;
};

describe('parseIp: IPv4', () => {
  it.each(['0.0.0.0', '1.2.3.4', '127.0.0.1', '255.255.255.255', '10.20.30.40'])(
    'accepts %s',
    (ip) => {
      expect(parseIp(ip)).toEqual({ family: 4, bytes: ip.split('.').map(Number), zone: null });
    },
  );

  it.each([
    ['127.1', 'short form'],
    ['127.0.1', 'short form'],
    ['2130706433', 'single decimal number'],
    ['017700000001', 'single octal number'],
    ['0x7f000001', 'single hex number'],
    ['0x7f.1', 'hex short form'],
    ['0x7f.0.0.1', 'hex octet'],
    ['0177.0.0.1', 'octal octet'],
    ['127.0.0.01', 'leading zero'],
    ['127.000.000.001', 'leading zeros'],
    ['256.0.0.1', 'octet above 255'],
    ['1.2.3.4.5', 'five parts'],
    ['1.2.3.', 'trailing dot'],
    ['.1.2.3', 'leading dot'],
    ['1..2.3', 'empty part'],
    [' 1.2.3.4', 'whitespace'],
    ['1.2.3.4 ', 'whitespace'],
    ['1.2.3.-4', 'sign'],
    ['+1.2.3.4', 'sign'],
    ['1.2.3.4%eth0', 'zone on IPv4'],
    ['[1.2.3.4]', 'brackets on IPv4'],
    ['١.٢.٣.٤', 'non-ASCII digits'],
    ['', 'empty'],
    ['localhost', 'a name'],
  ])('refuses %j (%s)', (ip) => {
    expect(parseIp(ip)).toBeNull();
  });
});

describe('parseIp: IPv6', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['0000:0000:0000:0000:0000:0000:0000:0001', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8::', '2001:db8::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'], // :: for one group: legal, RFC 5952 prints it
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[::1]', '::1'],
    ['[fe80::a:b%en0]', 'fe80::a:b'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
    ['::FFFF:7f00:1', '::ffff:127.0.0.1'],
    ['0:0:0:0:0:ffff:192.168.1.1', '::ffff:192.168.1.1'],
    ['64:ff9b::10.0.0.1', '64:ff9b::a00:1'],
    ['::1.2.3.4', '::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('reads %s as %s', (input, canonical) => {
    expect(text(input)).toBe(canonical);
  });

  it('keeps the zone', () => {
    expect(parseIp('fe80::1%eth0')?.zone).toBe('eth0');
    expect(parseIp('fe80::1%25')?.zone).toBe('25');
    expect(parseIp('::1')?.zone).toBeNull();
  });

  it.each([
    ':',
    ':::',
    '::1::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7',
    ':1::2',
    '1::2:',
    '12345::',
    'g::1',
    '::ffff:127.1',
    '::ffff:0x7f.0.0.1',
    '::ffff:127.0.0.01',
    '::1.2.3.4:5',
    '1.2.3.4::',
    '1:2:3:4:5:6:7:1.2.3.4',
    '[::1',
    '::1]',
    '[[::1]]',
    'fe80::1%',
    'fe80::1%eth 0',
    'fe80::1%eth0%1',
    'fe80::1%eth0/64',
    '[fe80::1]%eth0',
    ' ::1',
  ])('refuses %j', (input) => {
    expect(parseIp(input)).toBeNull();
  });
});

describe('parseCidr / cidrContains', () => {
  it('parses CIDRs and single addresses', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ family: 4, bytes: [10, 0, 0, 0], prefixLength: 8 });
    expect(parseCidr('1.2.3.4')).toMatchObject({ family: 4, prefixLength: 32 });
    expect(parseCidr('::1')).toMatchObject({ family: 6, prefixLength: 128 });
    expect(parseCidr('[::1]/128')).toMatchObject({ family: 6, prefixLength: 128 });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ family: 4, prefixLength: 0 });
    expect(parseCidr('::/0')).toMatchObject({ family: 6, prefixLength: 0 });
  });

  it.each([
    '10.0.0.1/8',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/08',
    '10.0.0.0/-1',
    '10/8',
    'fe80::%eth0/10',
    '2001:db8::1/32',
    'x/8',
  ])('refuses %j', (input) => {
    expect(parseCidr(input)).toBeNull();
  });

  const contains = (range: string, ip: string) => {
    const cidr = parseCidr(range);
    const parsed = parseIp(ip);
    if (!cidr || !parsed) throw new Error('bad test input');
    return cidrContains(cidr, parsed);
  };

  it('does v4 prefix math on and off byte boundaries', () => {
    expect(contains('10.0.0.0/8', '10.255.255.255')).toBe(true);
    expect(contains('10.0.0.0/8', '11.0.0.0')).toBe(false);
    expect(contains('172.16.0.0/12', '172.31.255.255')).toBe(true);
    expect(contains('172.16.0.0/12', '172.32.0.0')).toBe(false);
    expect(contains('172.16.0.0/12', '172.15.255.255')).toBe(false);
    expect(contains('100.64.0.0/10', '100.127.255.255')).toBe(true);
    expect(contains('100.64.0.0/10', '100.128.0.0')).toBe(false);
    expect(contains('192.168.1.128/25', '192.168.1.200')).toBe(true);
    expect(contains('192.168.1.128/25', '192.168.1.127')).toBe(false);
    expect(contains('1.2.3.4/32', '1.2.3.4')).toBe(true);
    expect(contains('1.2.3.4/32', '1.2.3.5')).toBe(false);
    expect(contains('0.0.0.0/0', '203.0.113.9')).toBe(true);
  });

  it('does v6 prefix math on and off byte boundaries', () => {
    expect(contains('fc00::/7', 'fdff:ffff::1')).toBe(true);
    expect(contains('fc00::/7', 'fe00::1')).toBe(false);
    expect(contains('fe80::/10', 'febf:ffff::1')).toBe(true);
    expect(contains('fe80::/10', 'fec0::1')).toBe(false);
    expect(contains('2001:db8::/32', '2001:db8:ffff::1')).toBe(true);
    expect(contains('2001:db8::/32', '2001:db9::1')).toBe(false);
    expect(contains('2001:db8:abcd:12::/63', '2001:db8:abcd:13:ffff::1')).toBe(true);
    expect(contains('2001:db8:abcd:12::/63', '2001:db8:abcd:14::1')).toBe(false);
    expect(contains('::1/128', '::1')).toBe(true);
    expect(contains('::1/128', '::2')).toBe(false);
    expect(contains('::/0', 'ffff::1')).toBe(true);
  });

  it('never matches across families', () => {
    expect(contains('0.0.0.0/0', '::1')).toBe(false);
    expect(contains('::/0', '127.0.0.1')).toBe(false);
    expect(contains('127.0.0.0/8', '::ffff:127.0.0.1')).toBe(false); // mapped forms are the allow-list's call
  });
});
