import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Herald } from '../client.js';
import { ConflictError, NotFoundError, ValidationError, AuthenticationError } from '../errors.js';
import type { Application, Endpoint, EventType } from '../models.js';
import { startApi, type RunningApi } from './api-harness.js';

// The SDK against the real API and PostgreSQL. Everything after the tenant is made goes through
// the SDK; without a Temporal worker nothing is delivered, so deliveries stay PENDING.

let api: RunningApi;
let herald: Herald;
let tenantId: string;

beforeAll(async () => {
  api = await startApi();
  const tenant = await api.createTenant('SDK integration');
  tenantId = tenant.tenantId;
  herald = new Herald(tenant.apiKey, { baseUrl: api.baseUrl });
});
afterAll(() => api?.stop());

describe('publishing through the SDK', () => {
  let application: Application;
  let eventType: EventType;
  let endpoint: Endpoint;
  let messageId: string;

  it('creates an application, an event type and an endpoint', async () => {
    application = await herald.applications.create({ name: 'Acme', uid: 'acme' });
    expect(application.id).toMatch(/^app_/);
    expect(await herald.applications.get('acme')).toEqual(application);
    expect(await herald.applications.get(application.id)).toEqual(application);

    eventType = await herald.eventTypes.create({
      name: 'invoice.paid',
      description: 'An invoice was paid',
      schema: { type: 'object', required: ['amount'] },
    });
    expect(eventType).toMatchObject({ name: 'invoice.paid', archived: false });

    endpoint = await herald.endpoints.create({
      application: 'acme',
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['invoice.paid'],
    });
    expect(endpoint).toMatchObject({ applicationId: application.id, disabled: false });
    const secret = await herald.endpoints.getSecret(endpoint.id);
    expect(secret.key).toMatch(/^whsec_/);
  });

  it('sends a message once, however often the same send is repeated', async () => {
    const first = await herald.messages.send({
      application: 'acme',
      eventType: 'invoice.paid',
      payload: { amount: 42 },
      idempotencyKey: 'invoice-42-paid',
    });
    expect(first.duplicate).toBe(false);
    messageId = first.message.id;
    expect(messageId).toMatch(/^msg_/);

    const again = await herald.messages.send({
      application: 'acme',
      eventType: 'invoice.paid',
      payload: { amount: 42 },
      idempotencyKey: 'invoice-42-paid',
    });
    expect(again).toMatchObject({ duplicate: true, message: { id: messageId } });

    // Without a key, the SDK's own random one still makes two calls two messages.
    const unkeyed = [1, 2].map(() =>
      herald.messages.send({
        application: 'acme',
        eventType: 'invoice.paid',
        payload: { amount: 1 },
      }),
    );
    const [a, b] = await Promise.all(unkeyed);
    expect(a!.message.id).not.toBe(b!.message.id);
  });

  it('reads the message with its delivery, and lists deliveries and messages', async () => {
    const message = await herald.messages.get(messageId);
    expect(message.payload).toEqual({ amount: 42 });
    expect(message.deliveries).toHaveLength(1);
    expect(message.deliveries[0]).toMatchObject({ endpointId: endpoint.id, status: 'PENDING' });

    const deliveries = await herald.deliveries.list({ messageId });
    expect(deliveries.items.map((d) => d.id)).toEqual([message.deliveries[0]!.id]);

    const messages = await herald.messages.list({
      application: 'acme',
      eventTypes: ['invoice.paid'],
    });
    expect(messages.items.map((m) => m.id)).toContain(messageId);
  });

  it('reads the attempts of the message', async () => {
    // Attempts are written by the delivery worker, which this suite does not run; one written the
    // way the worker would makes the read path real (as apps/api's isolation test does).
    const message = await herald.messages.get(messageId);
    await api.db.withSystem((manager) =>
      manager.query(
        `INSERT INTO attempts (id, tenant_id, delivery_id, message_id, endpoint_id, status, trigger, http_status, duration_ms, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, 'FAILED', 'SCHEDULED', 503, 12, 'unavailable')`,
        [
          'att_sdk000000000000000000000000',
          tenantId,
          message.deliveries[0]!.id,
          messageId,
          endpoint.id,
        ],
      ),
    );
    const attempts = await herald.attempts.list({ messageId });
    expect(attempts.items).toHaveLength(1);
    expect(attempts.items[0]).toMatchObject({
      messageId,
      endpointId: endpoint.id,
      status: 'FAILED',
      httpStatus: 503,
      responseExcerpt: 'unavailable',
    });
    // One failed attempt; the three messages sent so far each wait in a PENDING delivery.
    const stats = await herald.endpoints.stats(endpoint.id);
    expect(stats).toMatchObject({ succeeded: 0, failed: 1, pending: 3 });
  });

  it('updates, disables and rotates through the SDK', async () => {
    const updated = await herald.applications.update('acme', { name: 'Acme Inc.' });
    expect(updated.name).toBe('Acme Inc.');
    const disabled = await herald.endpoints.disable(endpoint.id, 'maintenance');
    expect(disabled).toMatchObject({ disabled: true, disabledReason: 'maintenance' });
    expect((await herald.endpoints.enable(endpoint.id)).disabled).toBe(false);
    const before = await herald.endpoints.getSecret(endpoint.id);
    const rotated = await herald.endpoints.rotateSecret(endpoint.id);
    expect(rotated.key).not.toBe(before.key);
  });

  it('surfaces the API errors as typed HeraldErrors', async () => {
    const duplicate = await herald.applications
      .create({ name: 'Acme again', uid: 'acme' })
      .catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(ConflictError);
    expect(duplicate).toMatchObject({ code: 'CONFLICT' });
    expect((duplicate as ConflictError).requestId).toMatch(/^[0-9a-f-]{36}$/);

    await expect(herald.messages.get('msg_doesnotexist0000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      herald.messages.send({ application: 'acme', eventType: 'invoice.paid', payload: {} }),
    ).rejects.toBeInstanceOf(ValidationError);
    const stranger = new Herald('hk_not_a_real_key', { baseUrl: api.baseUrl, maxRetries: 0 });
    const denied = await stranger.applications.list().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthenticationError);
    expect(denied).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('pagination against the API', () => {
  it('listAll walks 120 applications across pages, each exactly once', async () => {
    const created = new Set<string>();
    for (let batch = 0; batch < 12; batch++) {
      const apps = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          herald.applications.create({
            name: `Paged ${batch * 10 + i}`,
            uid: `paged-${batch}-${i}`,
          }),
        ),
      );
      for (const app of apps) created.add(app.id);
    }
    expect(created.size).toBe(120);

    const seen: string[] = [];
    for await (const app of herald.applications.listAll({ name: 'Paged', first: 25 })) {
      seen.push(app.id);
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen)).toEqual(created);

    const firstPage = await herald.applications.list({ name: 'Paged', first: 50 });
    expect(firstPage.items).toHaveLength(50);
    expect(firstPage.hasNextPage).toBe(true);
    const secondPage = await herald.applications.list({
      name: 'Paged',
      first: 50,
      after: firstPage.endCursor,
    });
    expect(secondPage.items.map((a) => a.id)).toEqual(seen.slice(50, 100));
  });
});
