import { cidr, cidrContains, parseIp, type Cidr, type ParsedIp } from './ip';

/**
 * What an address is, for deciding whether Herald may connect to it. Only 'public' is allowed by
 * default; every other class needs an operator allow-list entry ('invalid' never passes).
 */
export type AddressClass =
  | 'public'
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

type Range = { readonly cidr: Cidr; readonly class: AddressClass };

function ranges(table: ReadonlyArray<readonly [string, AddressClass]>): readonly Range[] {
  // Longest prefix first, so a specific entry (a metadata /32) wins over its enclosing block.
  return table
    .map(([text, addressClass]) => ({ cidr: cidr(text), class: addressClass }))
    .sort((a, b) => b.cidr.prefixLength - a.cidr.prefixLength);
}

/** IANA IPv4 special-purpose registry, plus cloud metadata services. */
const IPV4_RANGES = ranges([
  ['0.0.0.0/8', 'unspecified'], // "this network"; Linux routes 0.0.0.0 to the local host
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
  ['169.254.170.2/32', 'metadata'], // AWS ECS task credentials
  ['168.63.129.16/32', 'metadata'], // Azure WireServer: a public-looking address only reachable from inside Azure
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'], // IETF protocol assignments
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'], // deprecated 6to4 relay anycast
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'broadcast'],
]);

/**
 * IANA IPv6 special-purpose registry. Anything outside 2000::/3 is unallocated and treated as
 * reserved. Ranges that embed an IPv4 address are handled by `embeddedIpv4` before this table.
 */
const IPV6_RANGES = ranges([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'private'], // local-use NAT64 (RFC 8215)
  ['100::/64', 'reserved'], // discard-only
  ['2001::/23', 'reserved'], // IETF protocol assignments, incl. Teredo (which hides its IPv4 addresses)
  ['2001:2::/48', 'benchmarking'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'], // RFC 9637
  ['5f00::/16', 'reserved'], // SRv6 SIDs
  ['fc00::/7', 'unique-local'],
  ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'], // deprecated but still routed by some stacks
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST = cidr('2000::/3');

type Embedding = {
  readonly cidr: Cidr;
  readonly offset: number;
  readonly kind: 'mapped' | 'translated' | 'nat64' | '6to4' | 'compatible';
};

const IPV4_EMBEDDINGS: readonly Embedding[] = [
  { cidr: cidr('::ffff:0:0/96'), offset: 12, kind: 'mapped' },
  { cidr: cidr('::ffff:0:0:0/96'), offset: 12, kind: 'translated' },
  { cidr: cidr('64:ff9b::/96'), offset: 12, kind: 'nat64' },
  { cidr: cidr('2002::/16'), offset: 2, kind: '6to4' },
  // Deprecated IPv4-compatible `::a.b.c.d`; :: and ::1 are matched by the range table first.
  { cidr: cidr('::/96'), offset: 12, kind: 'compatible' },
];

export interface EmbeddedIpv4 {
  readonly kind: Embedding['kind'];
  readonly bytes: readonly number[];
}

/**
 * The IPv4 address an IPv6 address stands for, where the kernel or a translator would deliver
 * traffic to it: `::ffff:127.0.0.1` reaches 127.0.0.1 on a dual-stack socket.
 */
export function embeddedIpv4(ip: Pick<ParsedIp, 'family' | 'bytes'>): EmbeddedIpv4 | null {
  if (ip.family !== 6) return null;
  for (const embedding of IPV4_EMBEDDINGS) {
    if (!cidrContains(embedding.cidr, ip)) continue;
    if (embedding.kind === 'compatible' && isUnspecifiedOrLoopbackV6(ip.bytes)) return null;
    return { kind: embedding.kind, bytes: ip.bytes.slice(embedding.offset, embedding.offset + 4) };
  }
  return null;
}

function isUnspecifiedOrLoopbackV6(bytes: readonly number[]): boolean {
  return bytes.slice(0, 15).every((byte) => byte === 0) && (bytes[15] === 0 || bytes[15] === 1);
}

export function classifyAddress(ip: string): AddressClass {
  const parsed = parseIp(ip);
  return parsed ? classifyParsedIp(parsed) : 'invalid';
}

export function classifyParsedIp(ip: Pick<ParsedIp, 'family' | 'bytes'>): AddressClass {
  if (ip.family === 4) return lookup(IPV4_RANGES, ip) ?? 'public';

  const exact = lookup(IPV6_RANGES, ip);
  // ::/128 and ::1/128 sit inside the IPv4-compatible block; their own class wins.
  if (exact === 'unspecified' || exact === 'loopback') return exact;

  const embedded = embeddedIpv4(ip);
  if (embedded) {
    const inner = lookup(IPV4_RANGES, { family: 4, bytes: embedded.bytes }) ?? 'public';
    // Nothing routes IPv4-compatible addresses any more; a "public" one is a bypass attempt.
    if (embedded.kind === 'compatible' && inner === 'public') return 'reserved';
    return inner;
  }
  if (exact) return exact;
  return cidrContains(GLOBAL_UNICAST, ip) ? 'public' : 'reserved';
}

function lookup(
  table: readonly Range[],
  ip: Pick<ParsedIp, 'family' | 'bytes'>,
): AddressClass | null {
  for (const range of table) if (cidrContains(range.cidr, ip)) return range.class;
  return null;
}
