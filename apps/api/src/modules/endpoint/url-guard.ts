import { lookup } from 'node:dns/promises';
import {
  checkEndpointUrl,
  isAddressAllowed,
  isHostAllowListed,
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
    if (result.ipLiteral || isHostAllowListed(result.host, this.allowList))
      return result.url.toString();
    let addresses: string[];
    try {
      addresses = await this.resolve(result.host);
    } catch {
      throw new ValidationError(`Host ${result.host} does not resolve`, {
        field,
        details: { reason: 'HOST_UNRESOLVABLE' },
      });
    }
    for (const address of addresses) {
      const verdict = isAddressAllowed(address, this.allowList);
      if (!verdict.allowed) {
        throw new ValidationError(
          `Host ${result.host} resolves to a ${verdict.class} address, which is not allowed`,
          {
            field,
            details: { reason: 'ADDRESS_NOT_ALLOWED' },
          },
        );
      }
    }
    return result.url.toString();
  }
}
