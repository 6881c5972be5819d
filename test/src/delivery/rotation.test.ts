import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../support/receiver';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';
import { sleep, Tenant } from './helpers';

/*
 * Secret rotation as a receiver sees it: during the grace period every delivery carries one
 * `v1,` signature per active secret, so a receiver holding either secret accepts it.
 */
let stack: Stack;
let tenant: Tenant;
let receiver: Receiver;

const ROTATE = `mutation($id: ID!, $key: String, $grace: Int) { rotateEndpointSecret(id: $id, key: $key, gracePeriodSeconds: $grace) { key expiresAt } }`;

function signaturesOf(req: ReceivedRequest): string[] {
  return String(req.headers['webhook-signature']).split(' ');
}

/** Whether this one signature (not the whole header) verifies with `secret`. */
function verifies(req: ReceivedRequest, signature: string, secret: string): boolean {
  try {
    new Webhook(secret).verify(req.body, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': signature,
    });
    return true;
  } catch {
    return false;
  }
}

async function rotate(
  endpointId: string,
  options: { key?: string; grace?: number } = {},
): Promise<string> {
  const data = await tenant.ok(ROTATE, { id: endpointId, key: options.key, grace: options.grace });
  return data.rotateEndpointSecret.key;
}

/** Sends one message and returns the request the receiver got for it. */
async function deliver(appId: string, n: number): Promise<ReceivedRequest> {
  const messageId = await tenant.send(appId, { payload: { n } });
  const req = await eventually(
    async () => receiver.requests.find((r) => r.headers['webhook-id'] === messageId),
    {
      timeoutMs: 15_000,
      intervalMs: 20,
    },
  );
  return req!;
}

beforeAll(async () => {
  stack = await startStack();
  tenant = await Tenant.create(stack);
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
});

describe('secret rotation', () => {
  it('signs with old and new secret during the grace period, and only the new one after a rotation without grace', async () => {
    const appId = await tenant.createApplication('Rotation');
    const endpointId = await tenant.createEndpoint(appId, receiver.url);
    const original = await tenant.secret(endpointId);

    const before = await deliver(appId, 1);
    expect(signaturesOf(before)).toHaveLength(1);
    expect(verifies(before, signaturesOf(before)[0], original)).toBe(true);

    // Default grace (24 h): both secrets sign.
    const rotated = await rotate(endpointId);
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(original);
    expect(await tenant.secret(endpointId)).toBe(rotated);

    const during = await deliver(appId, 2);
    const header = String(during.headers['webhook-signature']);
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]+=*( v1,[A-Za-z0-9+/]+=*)$/);
    const sigs = signaturesOf(during);
    expect(sigs).toHaveLength(2);
    const withOld = sigs.filter((s) => verifies(during, s, original));
    const withNew = sigs.filter((s) => verifies(during, s, rotated));
    expect(withOld).toHaveLength(1);
    expect(withNew).toHaveLength(1);
    expect(withOld[0]).not.toBe(withNew[0]);
    // The whole header verifies for a receiver holding either secret (the reference library tries each).
    for (const secret of [original, rotated]) {
      expect(
        new Webhook(secret).verify(during.body, {
          'webhook-id': String(during.headers['webhook-id']),
          'webhook-timestamp': String(during.headers['webhook-timestamp']),
          'webhook-signature': header,
        }),
      ).toEqual({ n: 2 });
    }

    // A rotation with gracePeriodSeconds: 0 ends every earlier secret now, with a key of our own.
    const own = `whsec_${randomBytes(32).toString('base64')}`;
    expect(await rotate(endpointId, { key: own, grace: 0 })).toBe(own);
    const after = await deliver(appId, 3);
    const afterSigs = signaturesOf(after);
    expect(afterSigs).toHaveLength(1);
    expect(verifies(after, afterSigs[0], own)).toBe(true);
    expect(verifies(after, afterSigs[0], rotated)).toBe(false);
    expect(verifies(after, afterSigs[0], original)).toBe(false);
  });

  it('signs with only the new secret right after a first rotation with gracePeriodSeconds: 0', async () => {
    const appId = await tenant.createApplication('Rotation without grace');
    const endpointId = await tenant.createEndpoint(appId, receiver.url);
    const original = await tenant.secret(endpointId);
    const rotated = await rotate(endpointId, { grace: 0 });
    const req = await deliver(appId, 4);
    const sigs = signaturesOf(req);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatch(/^v1,/);
    expect(verifies(req, sigs[0], rotated)).toBe(true);
    expect(verifies(req, sigs[0], original)).toBe(false);
  });

  it('stops signing with the old secret once a short grace period has passed', async () => {
    const appId = await tenant.createApplication('Rotation with short grace');
    const endpointId = await tenant.createEndpoint(appId, receiver.url);
    const original = await tenant.secret(endpointId);
    const rotated = await rotate(endpointId, { grace: 2 });
    const rotatedAt = Date.now();

    const during = await deliver(appId, 5);
    // Sent well inside the 2 s window, unless the machine is very slow.
    if (during.receivedAt - rotatedAt < 1_500) {
      const sigs = signaturesOf(during);
      expect(sigs).toHaveLength(2);
      expect(sigs.filter((s) => verifies(during, s, original))).toHaveLength(1);
      expect(sigs.filter((s) => verifies(during, s, rotated))).toHaveLength(1);
    }

    await sleep(Math.max(0, rotatedAt + 2_500 - Date.now()));
    const after = await deliver(appId, 6);
    const sigs = signaturesOf(after);
    expect(sigs).toHaveLength(1);
    expect(verifies(after, sigs[0], rotated)).toBe(true);
    expect(verifies(after, sigs[0], original)).toBe(false);
  });
});
