// Next.js App Router: app/webhooks/herald/route.ts. Route handlers get a Fetch Request, whose body
// has not been parsed; `verifyRequest` reads its raw text. Do not call `request.json()` first: a
// body can be read only once. Works the same in Deno, Bun and edge workers.
import { Webhook, WebhookVerificationError } from '@herald/sdk';

const webhook = new Webhook(process.env.HERALD_WEBHOOK_SECRET ?? '');

interface InvoicePaid {
  type: 'invoice.paid';
  invoiceId: string;
  amount: number;
}

export async function POST(request: Request): Promise<Response> {
  try {
    const { msgId, payload } = await webhook.verifyRequest<InvoicePaid>(request);
    console.log(`invoice ${payload.invoiceId} paid (${msgId})`);
    return new Response(null, { status: 204 });
  } catch (error) {
    if (error instanceof WebhookVerificationError)
      return new Response(error.message, { status: 400 });
    throw error;
  }
}
