import { lookup } from 'node:dns/promises';
import {
  checkEndpointUrl,
  checkResolvedAddresses,
  parseAllowList,
  ValidationError,
  type AllowList,
} from '@herald/domain';

export type ResolveHost = (host: string) => Promise<string[]>;

const systemResolve: ResolveHost = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Save-time SSRF guard: the URL itself (scheme, credentials, literal addresses, internal names),
 * then every address its host name resolves to. The worker checks again at connect time, since
 * DNS can change between now and delivery.
 */
export class EndpointUrlGuard {
  private readonly allowList: AllowList;

  constructor(
    private readonly options: { allowHttp: boolean; allowList: string[] },
    private readonly resolve: ResolveHost = systemResolve,
  ) {
    this.allowList = parseAllowList(options.allowList);
  }

  async check(url: string, field = 'url'): Promise<string> {
    const result = checkEndpointUrl(url, {
      allowHttp: this.options.allowHttp,
      allowList: this.allowList,
    });
    if (!result.ok) {
      throw new ValidationError(result.reason, { field, details: { reason: result.code } });
    }
    if (result.ipLiteral) return result.url.toString();
    // Allow-listed names are resolved too: the entry lifted the name rules above, not the address
    // rules (see checkResolvedAddresses).
    let addresses: string[];
    try {
      addresses = await this.resolve(result.host);
    } catch {
      throw new ValidationError(`Host ${result.host} does not resolve`, {
        field,
        details: { reason: 'HOST_UNRESOLVABLE' },
      });
    }
    const verdict = checkResolvedAddresses(addresses, this.allowList);
    if (!verdict.allowed) {
      throw new ValidationError(
        verdict.address === null
          ? `Host ${result.host} does not resolve`
          : `Host ${result.host} resolves to a ${verdict.class} address, which is not allowed`,
        {
          field,
          details: {
            reason: verdict.address === null ? 'HOST_UNRESOLVABLE' : 'ADDRESS_NOT_ALLOWED',
          },
        },
      );
    }
    return result.url.toString();
  }
}
