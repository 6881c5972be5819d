import { Context } from '@temporalio/activity';
import type { DueDelivery, LaneEndpoint } from '@herald/db';
import {
  contextFromTraceparent,
  SpanKind,
  SpanStatusCode,
  trace,
  withSpan,
} from '@herald/observability';
import { buildHeaders } from '@herald/signing';
import type { SendResult, WebhookSender } from '../../http/sender';

/** One delivery to send in this step. */
export interface StepWork {
  delivery: DueDelivery;
  manual: boolean;
}

/** What sending one delivery gave. */
export interface Sent extends StepWork {
  headers: Record<string, string>;
  sent: SendResult;
  attemptedAt: Date;
}

export interface SendDeps {
  sender: WebhookSender;
  userAgent: string;
  concurrency: number;
  now: () => number;
}

/**
 * POSTs every delivery of the step, at most `concurrency` at a time, with no transaction open.
 * Each request is signed at the moment it is sent and traced as a child of the publishing
 * request's span. The activity heartbeats on a clock meanwhile.
 */
export async function sendAll(
  deps: SendDeps,
  target: { tenantId: string; endpointId: string; endpoint: LaneEndpoint; secrets: string[] },
  work: StepWork[],
): Promise<Sent[]> {
  // Heartbeat on a clock, not per response: a batch of slow receivers must not look like a dead
  // worker, and a dead worker must be noticed within the lane's short heartbeat timeout.
  const context = Context.current();
  const beat = setInterval(() => context.heartbeat(), 2_000);
  const activitySpan = trace.getActiveSpan()?.spanContext();
  try {
    return await mapConcurrent(work, deps.concurrency, async (item) => {
      const { delivery } = item;
      const headers: Record<string, string> = {
        ...target.endpoint.headers,
        ...buildHeaders({
          msgId: delivery.messageId,
          timestampSec: Math.floor(deps.now() / 1000),
          body: delivery.body,
          secrets: target.secrets,
        }),
        'content-type': 'application/json',
        'user-agent': deps.userAgent,
      };
      // A child of the publishing request's span, linked to this activity's span: one trace runs
      // from the API call to each HTTP attempt.
      const sent = await withSpan(
        'webhook.deliver',
        {
          kind: SpanKind.CLIENT,
          parent: contextFromTraceparent(delivery.traceContext),
          links: activitySpan ? [{ context: activitySpan }] : [],
          attributes: {
            'herald.tenant_id': target.tenantId,
            'herald.endpoint_id': target.endpointId,
            'herald.message_id': delivery.messageId,
            'herald.delivery_id': delivery.id,
            'herald.attempt': delivery.attemptCount + 1,
            'herald.manual': item.manual,
          },
        },
        async (span) => {
          const result = await deps.sender.post(target.endpoint.url, headers, delivery.body);
          if (result.status !== null) span.setAttribute('http.response.status_code', result.status);
          if (result.errorKind) span.setAttribute('error.type', result.errorKind);
          if (result.errorKind || (result.status !== null && result.status >= 400)) {
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          return result;
        },
      );
      return { ...item, headers, sent, attemptedAt: new Date(deps.now() - sent.durationMs) };
    });
  } finally {
    clearInterval(beat);
  }
}

async function mapConcurrent<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
