import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { ReceivedRequest, Receiver, Responder } from '../support/receiver';
import { eventually, type GqlResult, type Stack } from '../support/stack';

/*
 * Helpers shared by the delivery suites in this folder: a tenant-scoped GraphQL client, direct
 * reads of delivery rows, and receiver instrumentation (in-flight count, quiet spells).
 */

const load = createRequire(__filename);
/** Loaded like the product (built CommonJS), for ids in rows the tests insert themselves. */
export const domain = load('@herald/domain') as typeof import('@herald/domain');

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export interface AttemptNode {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  status: 'SUCCEEDED' | 'FAILED';
  trigger: 'SCHEDULED' | 'MANUAL';
  httpStatus: number | null;
  errorKind: string | null;
  durationMs: number;
  responseExcerpt: string | null;
  attemptedAt: string;
}

export interface DeliveryRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'EXHAUSTED' | 'CANCELLED';
  attempt_count: number;
  next_attempt_at: Date | null;
}

export interface OutgoingMessage {
  payload: Record<string, unknown>;
  eventType?: string;
  channels?: string[];
}

const ATTEMPT_FIELDS = `id deliveryId messageId endpointId status trigger httpStatus errorKind durationMs responseExcerpt attemptedAt`;

/** One tenant of the stack, calling the API with its own admin API key. */
export class Tenant {
  private constructor(
    readonly stack: Stack,
    readonly tenantId: string,
    readonly key: string,
  ) {}

  static async create(stack: Stack, name = 'E2E'): Promise<Tenant> {
    const { tenantId, apiKey } = await stack.createTenant(name);
    return new Tenant(stack, tenantId, apiKey);
  }

  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult<T>> {
    return this.stack.gql<T>(query, variables, this.key);
  }

  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    return this.stack.ok<T>(query, variables, this.key);
  }

  async createApplication(name = 'Deliveries'): Promise<string> {
    const data = await this.ok(
      `mutation($name: String!) { createApplication(input: { name: $name }) { id } }`,
      { name },
    );
    return data.createApplication.id;
  }

  async createEndpoint(
    application: string,
    url: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const data = await this.ok(
      `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { id } }`,
      {
        input: { application, url, ...extra },
      },
    );
    return data.createEndpoint.id;
  }

  async send(application: string, message: OutgoingMessage): Promise<string> {
    const data = await this.ok(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { message { id } } }`,
      {
        input: {
          application,
          eventType: message.eventType ?? 'order.paid',
          payload: message.payload,
          channels: message.channels,
        },
      },
    );
    return data.sendMessage.message.id;
  }

  /** One sendMessages call: stored in one transaction, handed to the lanes together. */
  async sendBatch(application: string, messages: OutgoingMessage[]): Promise<string[]> {
    const data = await this.ok(
      `mutation($input: SendMessagesInput!) { sendMessages(input: $input) { createdCount results { message { id } } } }`,
      {
        input: {
          messages: messages.map((m) => ({
            application,
            eventType: m.eventType ?? 'order.paid',
            payload: m.payload,
            channels: m.channels,
          })),
        },
      },
    );
    return data.sendMessages.results.map((r: { message: { id: string } }) => r.message.id);
  }

  /** Newest first. */
  async attempts(filter: { messageId?: string; endpointId?: string }): Promise<AttemptNode[]> {
    const data = await this.ok(
      `query($m: ID, $e: ID) { attempts(messageId: $m, endpointId: $e, first: 250) { nodes { ${ATTEMPT_FIELDS} } } }`,
      {
        m: filter.messageId,
        e: filter.endpointId,
      },
    );
    return data.attempts.nodes;
  }

  async endpoint(
    id: string,
  ): Promise<{ disabled: boolean; disabledReason: string | null; disabledAt: string | null }> {
    const data = await this.ok(
      `query($id: ID!) { endpoint(id: $id) { disabled disabledReason disabledAt } }`,
      { id },
    );
    return data.endpoint;
  }

  async secret(endpointId: string): Promise<string> {
    const data = await this.ok(`query($id: ID!) { endpointSecret(id: $id) { key } }`, {
      id: endpointId,
    });
    return data.endpointSecret.key;
  }
}

/** Delivery rows straight from the database (any tenant, whatever the API would show). */
export async function deliveryRows(
  stack: Stack,
  where: { endpointId?: string; messageId?: string },
): Promise<DeliveryRow[]> {
  return (await stack.db.withSystem((m) =>
    m.query(
      `SELECT id, message_id, endpoint_id, status, attempt_count, next_attempt_at FROM deliveries
        WHERE ($1::text IS NULL OR endpoint_id = $1) AND ($2::text IS NULL OR message_id = $2)
        ORDER BY message_id, id`,
      [where.endpointId ?? null, where.messageId ?? null],
    ),
  )) as DeliveryRow[];
}

export async function deliveryOf(
  stack: Stack,
  messageId: string,
  endpointId: string,
): Promise<DeliveryRow | undefined> {
  return (await deliveryRows(stack, { messageId, endpointId }))[0];
}

/** Waits until every delivery to the endpoint has one of `statuses` (and there are `count` of them). */
export async function waitForStatuses(
  stack: Stack,
  endpointId: string,
  count: number,
  statuses: DeliveryRow['status'][],
  timeoutMs = 20_000,
): Promise<DeliveryRow[]> {
  const rows = await eventually(
    async () => {
      const found = await deliveryRows(stack, { endpointId });
      return found.length === count && found.every((r) => statuses.includes(r.status))
        ? found
        : null;
    },
    { timeoutMs, intervalMs: 100 },
  );
  return rows!;
}

/** Counts requests being answered at the same time (from receipt until the response closes). */
export class InFlight {
  current = 0;
  max = 0;

  wrap(respond: Responder): Responder {
    return async (req: ReceivedRequest, res: ServerResponse) => {
      this.current++;
      this.max = Math.max(this.max, this.current);
      res.once('close', () => this.current--);
      await respond(req, res);
    };
  }
}

/** Resolves once the receiver has had no request for `quietMs` (after at least `minRequests`). */
export async function waitForQuiet(
  receiver: Receiver,
  quietMs: number,
  { minRequests = 1, timeoutMs = 20_000 } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = receiver.requests.at(-1)?.receivedAt;
    if (
      receiver.requests.length >= minRequests &&
      last !== undefined &&
      Date.now() - last >= quietMs
    )
      return last;
    if (Date.now() > deadline)
      throw new Error(
        `waitForQuiet: no ${quietMs} ms quiet spell within ${timeoutMs} ms (${receiver.requests.length} requests)`,
      );
    await sleep(25);
  }
}

export function gaps(requests: ReceivedRequest[]): number[] {
  return requests.slice(1).map((r, i) => r.receivedAt - requests[i].receivedAt);
}

export function seqOf(req: ReceivedRequest): number {
  return (JSON.parse(req.body) as { seq: number }).seq;
}
