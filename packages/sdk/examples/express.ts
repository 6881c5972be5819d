// Express: the route needs the raw bytes. `express.json()` would hand over a parsed object whose
// re-serialization rarely matches what was signed, so mount `express.raw()` on this route only:
//
//   app.post('/webhooks/herald', express.raw({ type: 'application/json' }), heraldWebhook);
//
// Typed structurally so this example compiles without express installed.
import { Webhook, WebhookVerificationError, type HeadersInput } from '@herald/sdk';

interface RawBodyRequest {
  /** A Buffer from express.raw(); a Buffer is a Uint8Array. */
  body: Uint8Array;
  headers: HeadersInput;
}
interface Reply {
  status(code: number): Reply;
  send(body?: string): unknown;
}

const webhook = new Webhook(process.env.HERALD_WEBHOOK_SECRET ?? '');

export async function heraldWebhook(req: RawBodyRequest, res: Reply): Promise<void> {
  try {
    const { msgId, payload } = await webhook.verifyJson<{ type: string }>(req.body, req.headers);
    console.log('verified', msgId, payload.type);
    res.status(204).send();
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      res.status(400).send(error.code);
      return;
    }
    throw error;
  }
}
