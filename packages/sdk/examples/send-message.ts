// Publishing from your server: create the customer's application once, then send events.
import { ConflictError, Herald, RateLimitError } from '@herald/sdk';

const herald = new Herald(process.env.HERALD_API_KEY ?? '', {
  baseUrl: process.env.HERALD_URL ?? 'http://localhost:4000',
});

export async function onInvoicePaid(customerId: string, invoice: { id: string; amount: number }) {
  try {
    await herald.applications.create({ name: customerId, uid: customerId });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error; // it already exists: fine
  }
  try {
    // The invoice id as idempotency key: a retry of this whole function sends the event once.
    const { message, duplicate } = await herald.messages.send({
      application: customerId,
      eventType: 'invoice.paid',
      payload: { invoiceId: invoice.id, amount: invoice.amount },
      idempotencyKey: `invoice.paid:${invoice.id}`,
    });
    return { messageId: message.id, duplicate };
  } catch (error) {
    // Retried already (maxRetries); still limited means back off in your own queue.
    if (error instanceof RateLimitError) return { retryAfterMs: error.retryAfterMs };
    throw error;
  }
}

export async function printFailedAttempts(customerId: string) {
  for await (const message of herald.messages.listAll({ application: customerId })) {
    for await (const attempt of herald.attempts.listAll({
      messageId: message.id,
      status: 'FAILED',
    })) {
      console.log(message.id, attempt.httpStatus ?? attempt.errorKind, attempt.attemptedAt);
    }
  }
}
