// Plain Node: collect the request stream with readRawBody, verify, answer. Respond with a 2xx
// quickly and do slow work afterwards: Herald retries anything that times out.
import { createServer } from 'node:http';
import { Webhook, WebhookVerificationError, readRawBody } from '@herald/sdk';

const webhook = new Webhook(process.env.HERALD_WEBHOOK_SECRET ?? '');
const handled = new Set<string>(); // use your database: the same message may arrive twice

export const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks/herald') {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await readRawBody(req);
    const { msgId, payload } = await webhook.verifyJson(body, req.headers);
    if (!handled.has(msgId)) {
      handled.add(msgId);
      console.log('webhook', payload);
    }
    res.writeHead(204).end();
  } catch (error) {
    const status = error instanceof WebhookVerificationError ? 400 : 500;
    res.writeHead(status).end();
  }
});

// server.listen(3000);
