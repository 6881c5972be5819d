/**
 * IP literal parsing without node:net, so the SSRF checks run the same in the API, the worker and
 * the workflow sandbox. Deliberately strict: only dotted-quad decimal IPv4 is an address. The
 * legacy inet_aton forms (`127.1`, `0x7f.1`, `017700000001`, `0177.0.0.1`) are refused, because
 * different parsers disagree on them and that disagreement is how SSRF filters get bypassed.
 */

export interface ParsedIp {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: readonly number[];
  /** IPv6 zone id (`eth0` in `fe80::1%eth0`), or null. */
  readonly zone: string | null;
}

export interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: readonly number[];
  readonly prefixLength: number;
}

const DECIMAL_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
// Interface names and numeric indexes; nothing that could smuggle URL syntax.
const ZONE = /^[A-Za-z0-9_.~-]{1,64}$/;

/** Parses an IP literal, optionally `[bracketed]` and with an IPv6 zone; null if it is not one. */
export function parseIp(input: string): ParsedIp | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > 128) return null;
  let text = input;
  const bracketed = text.startsWith('[') && text.endsWith(']');
  if (bracketed) text = text.slice(1, -1);

  let zone: string | null = null;
  const percent = text.indexOf('%');
  if (percent >= 0) {
    zone = text.slice(percent + 1);
    text = text.slice(0, percent);
    if (!ZONE.test(zone)) return null;
  }

  if (!bracketed && zone === null) {
    const v4 = parseIpv4(text);
    if (v4) return { family: 4, bytes: v4, zone: null };
  }
  const v6 = parseIpv6(text);
  return v6 ? { family: 6, bytes: v6, zone } : null;
}

export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

export function parseIpv6(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return null;

  let groups: number[];
  if (gap < 0) {
    const all = parseGroups(text, true);
    if (!all || all.length !== 8) return null;
    groups = all;
  } else {
    const head = parseGroups(text.slice(0, gap), false);
    const tail = parseGroups(text.slice(gap + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }

  const bytes: number[] = [];
  for (const group of groups) bytes.push(group >> 8, group & 0xff);
  return bytes;
}

/** Colon-separated hextets; an IPv4 dotted quad may stand for the last two when `allowIpv4Tail`. */
function parseGroups(text: string, allowIpv4Tail: boolean): number[] | null {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (allowIpv4Tail && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      if (!HEXTET.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}

/**
 * Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed,
 * IPv4-mapped shown as `::ffff:a.b.c.d`). The zone is not included.
 */
export function formatIp(ip: Pick<ParsedIp, 'family' | 'bytes'>): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const b = ip.bytes;
  const isMapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (isMapped) return `::ffff:${b.slice(12).join('.')}`;

  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). Host bits must be zero. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addressText);
  if (!ip || ip.zone !== null) return null;
  const maxLength = ip.family === 4 ? 32 : 128;
  let prefixLength = maxLength;
  if (slash >= 0) {
    const lengthText = text.slice(slash + 1);
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(lengthText)) return null;
    prefixLength = Number(lengthText);
    if (prefixLength > maxLength) return null;
  }
  const cidr: Cidr = { family: ip.family, bytes: ip.bytes, prefixLength };
  // `10.0.0.1/8` is almost always a typo for a /32, and silently widening it would open a /8.
  if (!ip.bytes.every((byte, i) => byte === maskedByte(cidr, i))) return null;
  return cidr;
}

/** Same-family containment only; callers decide how embedded IPv4 addresses relate to v4 ranges. */
export function cidrContains(cidr: Cidr, ip: Pick<ParsedIp, 'family' | 'bytes'>): boolean {
  if (cidr.family !== ip.family) return false;
  for (let i = 0; i < cidr.bytes.length; i++) {
    const bitsInByte = Math.min(8, Math.max(0, cidr.prefixLength - i * 8));
    if (bitsInByte === 0) return true;
    const mask = (0xff << (8 - bitsInByte)) & 0xff;
    if (((ip.bytes[i] ?? 0) & mask) !== ((cidr.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function maskedByte(cidr: Cidr, index: number): number {
  const bitsInByte = Math.min(8, Math.max(0, cidr.prefixLength - index * 8));
  return (cidr.bytes[index] ?? 0) & ((0xff << (8 - bitsInByte)) & 0xff);
}

/** For literals written in source, where a typo is a bug. */
export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new TypeError(`Invalid CIDR: ${text}`);
  return parsed;
}
