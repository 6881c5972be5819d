import { classifyParsedIp, embeddedIpv4, type AddressClass } from './address';
import { ValidationError } from './errors';
import { cidrContains, parseCidr, parseIp, type Cidr, type ParsedIp } from './ip';

/**
 * The operator's exceptions to the SSRF rules, e.g. `127.0.0.0/8` for local development or
 * `*.svc.cluster.local` for in-cluster receivers. A hostname entry only lets the name past the URL
 * check; the addresses it resolves to, at save time and again at connect time, need a CIDR entry
 * unless they are public, so DNS cannot widen what the operator allowed.
 */
export interface AllowList {
  readonly cidrs: readonly Cidr[];
  /** Lower-case names, without a trailing dot, matched exactly. */
  readonly hostnames: readonly string[];
  /** From `*.example.test` entries: `example.test`, matching strict subdomains only. */
  readonly hostnameSuffixes: readonly string[];
}

export const EMPTY_ALLOW_LIST: AllowList = Object.freeze({
  cidrs: [],
  hostnames: [],
  hostnameSuffixes: [],
});

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** Throws ValidationError naming the first bad entry; blank entries (from `a,,b`) are skipped. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const cidrs: Cidr[] = [];
  const hostnames: string[] = [];
  const hostnameSuffixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (looksLikeAddress(entry)) {
      const parsed = parseCidr(entry);
      if (!parsed) {
        throw new ValidationError(
          `Allow-list entry ${JSON.stringify(entry)} is not a valid IP or CIDR (host bits must be zero)`,
          {
            details: { entry },
          },
        );
      }
      cidrs.push(parsed);
      continue;
    }
    const wildcard = entry.startsWith('*.');
    const name = normalizeHostname(wildcard ? entry.slice(2) : entry);
    if (name === null) {
      throw new ValidationError(
        `Allow-list entry ${JSON.stringify(entry)} is not a valid hostname, *.suffix, IP or CIDR`,
        {
          details: { entry },
        },
      );
    }
    (wildcard ? hostnameSuffixes : hostnames).push(name);
  }
  return { cidrs, hostnames, hostnameSuffixes };
}

export interface AddressVerdict {
  readonly allowed: boolean;
  readonly class: AddressClass;
}

/**
 * Public addresses pass; any other class only inside an allow-listed CIDR. Metadata addresses
 * need an entry naming that exact address: an operator allowing `169.254.0.0/16` for some
 * link-local service has not thereby agreed to hand out cloud credentials.
 */
export function isAddressAllowed(
  ip: string,
  allowList: AllowList = EMPTY_ALLOW_LIST,
): AddressVerdict {
  const parsed = parseIp(ip);
  if (!parsed) return { allowed: false, class: 'invalid' };
  const addressClass = classifyParsedIp(parsed);
  if (addressClass === 'public') return { allowed: true, class: addressClass };
  const exactOnly = addressClass === 'metadata';
  const allowed = allowList.cidrs.some((entry) => {
    if (exactOnly && entry.prefixLength !== entry.bytes.length * 8) return false;
    return cidrContainsAddress(entry, parsed);
  });
  return { allowed, class: addressClass };
}

export type ResolvedAddressesVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly address: string | null; readonly class: AddressClass };

/**
 * Whether Herald may connect to a host name that resolved to `addresses`, at save time and again
 * at connect time. The name itself plays no part: a hostname entry in the allow-list only lifts
 * the name rules of checkEndpointUrl (internal zones, single labels), never the address rules,
 * or anyone controlling that name's DNS (or a wildcard entry's zone) could point it at
 * 127.0.0.1, a private network or the metadata service. Every address must pass, since the
 * connection may use any of them; an empty answer has nothing that could.
 */
export function checkResolvedAddresses(
  addresses: readonly string[],
  allowList: AllowList = EMPTY_ALLOW_LIST,
): ResolvedAddressesVerdict {
  if (addresses.length === 0) return { allowed: false, address: null, class: 'invalid' };
  for (const address of addresses) {
    const verdict = isAddressAllowed(address, allowList);
    if (!verdict.allowed) return { allowed: false, address, class: verdict.class };
  }
  return { allowed: true };
}

/**
 * IPv4-mapped addresses also match IPv4 entries, since the socket reaches that IPv4 address.
 * Other embeddings (NAT64, 6to4) go through a translator and only match IPv6 entries.
 */
function cidrContainsAddress(entry: Cidr, ip: ParsedIp): boolean {
  if (cidrContains(entry, ip)) return true;
  const embedded = embeddedIpv4(ip);
  return (
    entry.family === 4 &&
    embedded?.kind === 'mapped' &&
    cidrContains(entry, { family: 4, bytes: embedded.bytes })
  );
}

/**
 * Whether a URL host is named by the allow-list: an IP literal by a CIDR, a name by name or suffix.
 * For a name this only decides the name rules; its addresses still go through
 * checkResolvedAddresses.
 */
export function isHostAllowListed(host: string, allowList: AllowList = EMPTY_ALLOW_LIST): boolean {
  const ip = parseIp(host);
  if (ip) return allowList.cidrs.some((entry) => cidrContainsAddress(entry, ip));
  const name = normalizeHostname(host);
  if (name === null) return false;
  if (allowList.hostnames.includes(name)) return true;
  return allowList.hostnameSuffixes.some((suffix) => name.endsWith(`.${suffix}`));
}

/** Lower case, one trailing dot dropped; null unless it is a syntactically valid DNS name. */
export function normalizeHostname(host: string): string | null {
  let name = host.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0 || name.length > 253) return null;
  const labels = name.split('.');
  // A name ending in a number is an IPv4 address to URL parsers (`0x7f.0.0.1` is 127.0.0.1), so it
  // can never be a hostname, and an allow-list entry spelled like that is a mistake.
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/.test(labels[labels.length - 1] ?? '')) return null;
  return labels.every((label) => LABEL.test(label)) ? name : null;
}

function looksLikeAddress(entry: string): boolean {
  return entry.includes('/') || entry.includes(':') || /^[0-9.]+$/.test(entry);
}
