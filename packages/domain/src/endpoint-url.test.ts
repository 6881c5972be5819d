import { describe, expect, it } from 'vitest';
import { parseAllowList } from './allow-list';
import {
  checkEndpointUrl,
  MAX_ENDPOINT_URL_LENGTH,
  type EndpointUrlRejectionCode,
} from './endpoint-url';

const strict = { allowHttp: false };
const dev = {
  allowHttp: true,
  allowList: parseAllowList(['127.0.0.0/8', '::1', 'localhost', '*.svc.cluster.local']),
};

function codeOf(
  url: string,
  options: Parameters<typeof checkEndpointUrl>[1] = strict,
): EndpointUrlRejectionCode | 'OK' {
  const result = checkEndpointUrl(url, options);
  return result.ok ? 'OK' : result.code;
}

describe('checkEndpointUrl: accepted', () => {
  it('accepts a public https URL and returns the parsed URL', () => {
    const result = checkEndpointUrl(
      'https://hooks.Example.com:8443/webhooks/in?src=herald#frag',
      strict,
    );
    expect(result).toMatchObject({ ok: true, host: 'hooks.example.com', ipLiteral: null });
    expect(result.ok && result.url.href).toBe(
      'https://hooks.example.com:8443/webhooks/in?src=herald#frag',
    );
  });

  it('accepts public IP literals and reports them canonically', () => {
    expect(checkEndpointUrl('https://93.184.216.34/x', strict)).toMatchObject({
      ok: true,
      host: '93.184.216.34',
      ipLiteral: '93.184.216.34',
    });
    expect(checkEndpointUrl('https://[2606:4700:4700:0:0:0:0:1111]/', strict)).toMatchObject({
      ok: true,
      ipLiteral: '2606:4700:4700::1111',
    });
  });

  it('accepts IDN, underscores and a trailing dot', () => {
    expect(checkEndpointUrl('https://bücher.example/', strict)).toMatchObject({
      ok: true,
      host: 'xn--bcher-kva.example',
    });
    expect(codeOf('https://a_b.example.com/')).toBe('OK');
    expect(checkEndpointUrl('https://example.com./', strict)).toMatchObject({
      ok: true,
      host: 'example.com',
    });
  });

  it('accepts URLs up to 2048 characters', () => {
    const base = 'https://example.com/';
    expect(codeOf(base + 'a'.repeat(MAX_ENDPOINT_URL_LENGTH - base.length))).toBe('OK');
  });
});

describe('checkEndpointUrl: rejected', () => {
  it.each([
    ['', 'INVALID_URL'],
    ['not a url', 'INVALID_URL'],
    ['/relative/path', 'INVALID_URL'],
    ['https://', 'INVALID_URL'],
    ['https://exa mple.com/', 'INVALID_URL'],
    [' https://example.com/', 'INVALID_URL'],
    ['https://example.com/\n', 'INVALID_URL'],
    ['https://exa\tmple.com/', 'INVALID_URL'],
    ['https://1.2.3.256/', 'INVALID_URL'],
    ['https://[::1/', 'INVALID_URL'],
    ['https://[fe80::1%25eth0]/', 'INVALID_URL'],
    ['https://example.com:65536/', 'INVALID_URL'],
    ['https://ex$mple.com/', 'INVALID_URL'],
    ['https://example.com:0/', 'PORT_NOT_ALLOWED'],
    ['http://example.com/', 'SCHEME_NOT_ALLOWED'],
    ['ftp://example.com/', 'SCHEME_NOT_ALLOWED'],
    ['file:///etc/passwd', 'SCHEME_NOT_ALLOWED'],
    ['gopher://example.com/', 'SCHEME_NOT_ALLOWED'],
    ['javascript:alert(1)', 'SCHEME_NOT_ALLOWED'],
    ['data:text/plain,hi', 'SCHEME_NOT_ALLOWED'],
    ['ws://example.com/', 'SCHEME_NOT_ALLOWED'],
    ['https://user:pass@example.com/', 'CREDENTIALS_IN_URL'],
    ['https://user@example.com/', 'CREDENTIALS_IN_URL'],
    ['https://:pass@example.com/', 'CREDENTIALS_IN_URL'],
    ['https://example.com@127.0.0.1/', 'CREDENTIALS_IN_URL'],
  ] as const)('%j → %s', (url, code) => {
    expect(codeOf(url)).toBe(code);
  });

  it('rejects URLs over 2048 characters', () => {
    const base = 'https://example.com/';
    expect(codeOf(base + 'a'.repeat(MAX_ENDPOINT_URL_LENGTH - base.length + 1))).toBe(
      'URL_TOO_LONG',
    );
    // Normalisation can lengthen a URL past the limit (here: percent-encoding non-ASCII in the path).
    expect(codeOf(base + 'é'.repeat(1000))).toBe('URL_TOO_LONG');
  });

  it.each([
    'https://127.0.0.1/',
    'https://127.0.0.53:8080/',
    'https://10.0.0.1/',
    'https://172.16.0.1/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://169.254.170.2/v2/credentials',
    'https://100.100.100.200/',
    'https://100.64.0.1/',
    'https://0.0.0.0/',
    'https://0/',
    'https://224.0.0.1/',
    'https://255.255.255.255/',
    'https://192.0.2.1/',
    'https://198.18.0.1/',
    'https://240.0.0.1/',
    'https://[::1]/',
    'https://[::]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://[64:ff9b::a9fe:a9fe]/',
    'https://[2002:7f00:1::]/',
    'https://[fd00:ec2::254]/',
    'https://[fd12::1]/',
    'https://[fe80::1]/',
    'https://[fec0::1]/',
    'https://[ff02::1]/',
    'https://[2001:db8::1]/',
    'https://[2001::1]/',
  ])('refuses the non-public address in %s', (url) => {
    expect(codeOf(url)).toBe('ADDRESS_NOT_ALLOWED');
  });

  it.each([
    'https://0x7f.1/',
    'https://127.1/',
    'https://017700000001/',
    'https://2130706433/',
    'https://0177.0.0.1/',
    'https://%31%32%37.0.0.1/',
    'https://１２７.0.0.1/',
    'https://127.0.0.1./',
  ])('sees through the legacy IPv4 spelling %s', (url) => {
    const result = checkEndpointUrl(url, strict);
    expect(result).toMatchObject({ ok: false, code: 'ADDRESS_NOT_ALLOWED' });
    expect(result.ok === false && result.reason).toMatch(/loopback/);
  });

  it.each([
    'https://localhost/',
    'https://LOCALHOST/',
    'https://localhost./',
    'https://api.localhost/',
    'https://printer.local/',
    'https://metadata.google.internal/computeMetadata/v1/',
    'https://db.internal/',
    'https://box.localdomain/',
    'https://nas.home.arpa/',
    'https://intranet/',
    'https://metadata/',
    'https://redis:6379/',
    'https://wiki.corp/',
    'https://router.lan/',
  ])('refuses the internal name %s', (url) => {
    expect(codeOf(url)).toBe('HOST_NOT_ALLOWED');
  });

  it('does not over-match names that merely contain an internal word', () => {
    expect(codeOf('https://localhost.example.com/')).toBe('OK');
    expect(codeOf('https://internal.example.com/')).toBe('OK');
    expect(codeOf('https://mylocal.com/')).toBe('OK');
    // Names that resolve to loopback in public DNS are the connect-time check's job.
    expect(codeOf('https://127.0.0.1.nip.io/')).toBe('OK');
  });
});

describe('checkEndpointUrl: with an allow-list and http for development', () => {
  it('allows http only when asked', () => {
    expect(codeOf('http://example.com/', dev)).toBe('OK');
    expect(codeOf('http://example.com/', { allowHttp: false, allowList: dev.allowList })).toBe(
      'SCHEME_NOT_ALLOWED',
    );
  });

  it('allows listed addresses and names', () => {
    expect(checkEndpointUrl('http://127.0.0.1:4000/hook', dev)).toMatchObject({
      ok: true,
      host: '127.0.0.1',
      ipLiteral: '127.0.0.1',
    });
    expect(codeOf('http://[::1]:4000/', dev)).toBe('OK');
    expect(codeOf('http://[::ffff:127.0.0.1]:4000/', dev)).toBe('OK');
    expect(codeOf('http://0x7f.1:4000/', dev)).toBe('OK'); // it is 127.0.0.1, which is listed
    expect(checkEndpointUrl('http://localhost:4000/', dev)).toMatchObject({
      ok: true,
      host: 'localhost',
      ipLiteral: null,
    });
    expect(codeOf('http://receiver.ns.svc.cluster.local/', dev)).toBe('OK');
  });

  it('still refuses what is not listed', () => {
    expect(codeOf('http://10.0.0.1/', dev)).toBe('ADDRESS_NOT_ALLOWED');
    expect(codeOf('http://[::2]/', dev)).toBe('ADDRESS_NOT_ALLOWED');
    expect(codeOf('http://169.254.169.254/', dev)).toBe('ADDRESS_NOT_ALLOWED');
    expect(codeOf('http://api.localhost/', dev)).toBe('HOST_NOT_ALLOWED');
    expect(codeOf('http://svc.cluster.local/', dev)).toBe('HOST_NOT_ALLOWED');
    expect(codeOf('https://user:pw@localhost/', dev)).toBe('CREDENTIALS_IN_URL');
  });
});
