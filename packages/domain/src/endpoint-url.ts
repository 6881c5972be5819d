import {
  isAddressAllowed,
  isHostAllowListed,
  normalizeHostname,
  EMPTY_ALLOW_LIST,
  type AllowList,
} from './allow-list';
import { formatIp, parseIp } from './ip';

export const MAX_ENDPOINT_URL_LENGTH = 2048;

export type EndpointUrlRejectionCode =
  | 'INVALID_URL'
  | 'URL_TOO_LONG'
  | 'SCHEME_NOT_ALLOWED'
  | 'CREDENTIALS_IN_URL'
  | 'PORT_NOT_ALLOWED'
  | 'ADDRESS_NOT_ALLOWED'
  | 'HOST_NOT_ALLOWED';

export type EndpointUrlCheck =
  | { ok: true; url: URL; host: string; ipLiteral: string | null }
  | { ok: false; code: EndpointUrlRejectionCode; reason: string };

export interface EndpointUrlOptions {
  /** Plain http is for local development and tests only. */
  allowHttp: boolean;
  allowList?: AllowList;
}

/**
 * Names that only an internal resolver answers. Refusing them up front gives a clear error at save
 * time; the connect-time address check would refuse most of them anyway.
 */
const INTERNAL_ZONES = [
  'localhost',
  'local',
  'localdomain',
  'internal',
  'home.arpa',
  'intranet',
  'private',
  'corp',
  'home',
  'lan',
];

/**
 * The save-time SSRF check of an endpoint URL. It cannot see DNS; the worker repeats the address
 * check on every resolved address at connect time.
 */
export function checkEndpointUrl(input: string, options: EndpointUrlOptions): EndpointUrlCheck {
  const allowList = options.allowList ?? EMPTY_ALLOW_LIST;
  if (typeof input !== 'string' || input.length === 0) return reject('INVALID_URL', 'URL is empty');
  if (input.length > MAX_ENDPOINT_URL_LENGTH)
    return reject('URL_TOO_LONG', `URL is longer than ${MAX_ENDPOINT_URL_LENGTH} characters`);
  // The URL parser silently strips surrounding whitespace and drops tabs and newlines anywhere,
  // so what we would store would differ from what the user typed; refuse instead.
  if (hasWhitespaceOrControl(input))
    return reject('INVALID_URL', 'URL contains whitespace or control characters');

  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return reject('INVALID_URL', 'URL is not a valid absolute URL');
  }
  if (url.href.length > MAX_ENDPOINT_URL_LENGTH)
    return reject('URL_TOO_LONG', `URL is longer than ${MAX_ENDPOINT_URL_LENGTH} characters`);

  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && options.allowHttp)) {
    const allowed = options.allowHttp ? 'https or http' : 'https';
    return reject(
      'SCHEME_NOT_ALLOWED',
      `URL scheme must be ${allowed}, got ${url.protocol.slice(0, -1)}`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    return reject(
      'CREDENTIALS_IN_URL',
      'URL must not contain a user name or password; use custom headers for authentication',
    );
  }
  if (url.port === '0') return reject('PORT_NOT_ALLOWED', 'URL port must be between 1 and 65535');

  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (hostname === '') return reject('INVALID_URL', 'URL has no host');

  // The parser has already turned legacy IPv4 spellings (`0x7f.1`, `127.1`) into dotted quads.
  const ip = parseIp(hostname);
  if (ip) {
    const verdict = isAddressAllowed(hostname, allowList);
    if (!verdict.allowed) {
      return reject(
        'ADDRESS_NOT_ALLOWED',
        `URL host is a ${verdict.class} address, which endpoints may not use`,
      );
    }
    const canonical = formatIp(ip);
    return { ok: true, url, host: canonical, ipLiteral: canonical };
  }

  const name = normalizeHostname(hostname);
  if (name === null) return reject('INVALID_URL', 'URL host is not a valid DNS name');
  if (!isHostAllowListed(name, allowList)) {
    if (!name.includes('.')) {
      // Single-label names resolve through the server's DNS search domains, i.e. to internal hosts.
      return reject('HOST_NOT_ALLOWED', 'URL host must be a fully qualified domain name');
    }
    if (INTERNAL_ZONES.some((zone) => name === zone || name.endsWith(`.${zone}`))) {
      return reject(
        'HOST_NOT_ALLOWED',
        `URL host ${name} is an internal name, which endpoints may not use`,
      );
    }
  }
  return { ok: true, url, host: name, ipLiteral: null };
}

function hasWhitespaceOrControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

function reject(code: EndpointUrlRejectionCode, reason: string): EndpointUrlCheck {
  return { ok: false, code, reason };
}
