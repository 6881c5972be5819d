// Fastify parses JSON by default. Keep the raw body for the webhook route by registering a
// content-type parser that returns the Buffer untouched (scoped to a plugin if other routes want
// JSON):
//
//   fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) =>
//     done(null, body));
//   fastify.post('/webhooks/herald', heraldWebhook);
//
// Typed structurally so this example compiles without fastify installed.
import { Webhook, WebhookVerificationError, type HeadersInput } from '@herald/sdk';

interface FastifyRequestLike {
  body: Uint8Array;
  headers: HeadersInput;
}
interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}

const webhook = new Webhook(process.env.HERALD_WEBHOOK_SECRET ?? '');

export async function heraldWebhook(request: FastifyRequestLike, reply: FastifyReplyLike) {
  try {
    const { payload } = await webhook.verifyJson(request.body, request.headers);
    return reply.code(200).send({ received: true, payload });
  } catch (error) {
    if (error instanceof WebhookVerificationError)
      return reply.code(400).send({ error: error.code });
    throw error;
  }
}
