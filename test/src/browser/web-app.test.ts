import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { Receiver } from '../support/receiver';
import { eventually, startStack, type Stack } from '../support/stack';
import { collectErrors, launchBrowser, newContext, PHONE, screenshot } from './browser';

/*
 * The tenant dashboard in Chromium against the real stack (API serving the built portal, worker,
 * PostgreSQL, Temporal) and a loopback receiver. One flow, in order, as a person would use it.
 */
let stack: Stack;
let receiver: Receiver;
let browser: Browser;
let context: BrowserContext;
let offLoopback: string[];
let page: Page;
let errors: string[];
const state: { appId?: string; endpointId?: string; token?: string; link?: string } = {};

beforeAll(async () => {
  [stack, receiver, browser] = await Promise.all([startStack(), Receiver.start(), launchBrowser()]);
  ({ context, offLoopback } = await newContext(browser));
  page = await context.newPage();
  errors = collectErrors(page);
});

afterAll(async () => {
  await browser?.close();
  await receiver?.close();
  await stack?.stop();
});

describe.sequential('tenant dashboard', () => {
  beforeEach((ctx) => {
    onTestFailed(() =>
      screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`),
    );
  });

  it('signs up and lands on the overview', async () => {
    await page.goto(`${stack.url}/`);
    // Without a session the app sends people to log in; from there they can sign up.
    await page.getByRole('heading', { name: 'Log in to Herald' }).waitFor();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Organisation name').fill('Acme Webhooks');
    await page.getByLabel('Email').fill('owner@acme.test');
    // Client-side validation first: a short password is refused before any request.
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 10 characters').waitFor();
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByTestId('tenant-name').textContent()).toBe('Acme Webhooks');
    await page.getByRole('heading', { name: 'Plan usage' }).waitFor();
    await page.getByText('No applications yet').waitFor();
    state.token =
      (await page.evaluate<string | null>('localStorage.getItem("herald.session")')) ?? undefined;
    expect(state.token).toMatch(/^hs_/);
    await screenshot(page, '01-overview-empty');
  });

  it('asks to confirm the address, and the mailed link confirms it', async () => {
    await page.getByText('Your e-mail address is not confirmed yet').waitFor();
    const token = await stack.linkFor('owner@acme.test', 'verify-email');
    await page.goto(`${stack.url}/verify-email#token=${token}`);
    await page.getByText('is confirmed').waitFor();
    // The token left the address bar at once.
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('link', { name: 'Go to the dashboard' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByText('Your e-mail address is not confirmed yet').count()).toBe(0);
  });

  it('invites a member by mail, who joins from the link in their own browser', async () => {
    await page.goto(`${stack.url}/members`);
    await page.getByLabel('Email').fill('dev@acme.test');
    await page.getByLabel('Role').selectOption('developer');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText('Invitation mailed to').waitFor();
    const token = await stack.linkFor('dev@acme.test', 'accept-invitation');
    const { context: invitee } = await newContext(browser);
    const tab = await invitee.newPage();
    await tab.goto(`${stack.url}/accept-invitation#token=${token}`);
    await tab.getByRole('heading', { name: 'Accept the invitation' }).waitFor();
    await tab.getByLabel('Password').fill('developer password 1');
    await tab.getByRole('button', { name: 'Accept' }).click();
    await tab.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await tab.getByTestId('tenant-name').textContent()).toBe('Acme Webhooks');
    // The invitation link proved the address: no confirmation banner.
    expect(await tab.getByText('Your e-mail address is not confirmed yet').count()).toBe(0);
    await screenshot(tab, '02b-invitation-accepted');
    await invitee.close();
  });

  it('creates an event type with a JSON Schema and an example that must match it', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Event types' })
      .click();
    await page.getByText('No event types yet').waitFor();
    await page.getByRole('link', { name: 'New event type' }).click();
    await page.getByLabel('Name').fill('invoice.paid');
    await page.getByLabel('Description').fill('An invoice was paid');
    await page.getByRole('button', { name: 'Start from a template' }).click();
    // The example breaks the schema (amount must be an integer): the editor says so at once.
    await page.getByLabel('Example payload').fill('{"id": "inv_1", "amount": "lots"}');
    await page.getByText('$.amount: expected integer, got string').waitFor();
    await page.getByLabel('Example payload').fill('{"id": "inv_1", "amount": 4200}');
    expect(await page.getByText('$.amount: expected integer').count()).toBe(0);
    await screenshot(page, '02-event-type-editor');
    await page.getByRole('button', { name: 'Create event type' }).click();
    await page.getByRole('cell', { name: 'invoice.paid' }).waitFor();
    const saved = await stack.ok<{ eventType: { schema: any; example: any } }>(
      `{ eventType(name: "invoice.paid") { schema example } }`,
      {},
      state.token,
    );
    expect(saved.eventType.schema.required).toEqual(['id']);
    expect(saved.eventType.example).toEqual({ id: 'inv_1', amount: 4200 });
  });

  it('creates an application and an endpoint for a loopback receiver', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Applications' })
      .click();
    await page.getByRole('button', { name: 'New application' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Globex');
    await page.getByLabel('UID (optional)').fill('globex');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: 'Endpoints', exact: true }).waitFor();
    state.appId = page.url().split('/apps/')[1]!.split('/')[0];
    expect(state.appId).toMatch(/^app_/);
    await page.getByText('No endpoints yet').waitFor();

    await page.getByRole('link', { name: 'Add endpoint' }).click();
    // An invalid URL is refused in the form.
    await page.getByLabel('Endpoint URL').fill('not a url');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Enter a full URL such as https://example.com/webhooks').first().waitFor();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Globex production');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Customer');
    await page.getByLabel('Header 1 value').fill('globex');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    state.endpointId = page.url().split('/endpoints/')[1];
    expect(state.endpointId).toMatch(/^ep_/);
    await screenshot(page, '03-endpoint-detail');
  });

  it('sends a test event and watches the delivery appear live', async () => {
    const live = await context.newPage();
    const liveErrors = collectErrors(live);
    await live.goto(`${stack.url}/apps/${state.appId}/live`);
    await live.getByText('Waiting for events…').waitFor();
    // graphql-ws connects lazily on subscribe; give the server a moment to register the listener.
    await eventually(async () => (await live.locator('.live-dot.on').count()) === 1);
    await new Promise((r) => setTimeout(r, 500));

    await page.bringToFront();
    const form = page.getByRole('form', { name: 'Send a test event' });
    // Pre-filled from the event type's example.
    await eventually(async () =>
      (await form.getByLabel('Payload').inputValue()).includes('"amount": 4200'),
    );
    await form.getByRole('button', { name: 'Send test event' }).click();
    await page.getByText(/Sent: msg_/).waitFor();

    await receiver.waitFor(1);
    const request = receiver.requests[0]!;
    expect(JSON.parse(request.body)).toEqual({ id: 'inv_1', amount: 4200 });
    expect(request.headers['x-customer']).toBe('globex');
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);

    const row = live.getByTestId('live-event').filter({ hasText: 'SUCCEEDED' });
    await row.first().waitFor({ timeout: 20_000 });
    expect(await row.first().textContent()).toContain(request.headers['webhook-id'] as string);
    await screenshot(live, '04-live-log');
    expect(liveErrors).toEqual([]);
    await live.close();
  });

  it('shows the message with its delivery and attempt details', async () => {
    await page.getByRole('link', { name: /^msg_/ }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    const delivery = page.getByTestId('delivery-row');
    await eventually(async () => (await delivery.textContent())?.includes('SUCCEEDED'), {
      timeoutMs: 10_000,
    }).catch(async () => {
      await page.getByRole('button', { name: 'Refresh' }).first().click();
    });
    await page.getByTestId('attempt-row').first().waitFor();
    await page.getByRole('button', { name: 'Details' }).first().click();
    await page.getByRole('heading', { name: 'Request headers' }).waitFor();
    await page.getByText('HTTP 200').waitFor();
    await screenshot(page, '05-message-detail');

    // Resend creates one more (manual) attempt.
    await page.getByRole('button', { name: 'Resend' }).click();
    await page.getByText('Message sent again.').waitFor();
    await receiver.waitFor(2);
    await eventually(async () => (await page.getByText('manual').count()) > 0, {
      timeoutMs: 15_000,
    });
  });

  it('reveals and rotates the signing secret; both secrets sign during the grace period', async () => {
    await page.goto(`${stack.url}/apps/${state.appId}/endpoints/${state.endpointId}`);
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const first = (await page.getByTestId('endpoint-secret').textContent())!;
    expect(first).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Hide' }).click();
    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByRole('button', { name: 'Confirm rotation' }).click();
    await page.getByText('Secret rotated.').waitFor();
    const second = (await page.getByTestId('endpoint-secret').textContent())!;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);

    const before = receiver.requests.length;
    await page
      .getByRole('form', { name: 'Send a test event' })
      .getByRole('button', { name: 'Send test event' })
      .click();
    await receiver.waitFor(before + 1);
    const signatures = (receiver.requests[before]!.headers['webhook-signature'] as string).split(
      ' ',
    );
    expect(signatures).toHaveLength(2);
  });

  it('lists the endpoint with its stats, and works at phone width', async () => {
    await page.goto(`${stack.url}/apps/${state.appId}/endpoints`);
    await page
      .getByRole('cell', { name: new RegExp(receiver.url.replace(/[.?]/g, '\\$&')) })
      .waitFor();
    await screenshot(page, '06-endpoints');
    await page.goto(`${stack.url}/`);
    await page
      .getByRole('heading', { name: 'Messages per day' })
      .or(page.getByText('Messages per day'))
      .first()
      .waitFor();
    await screenshot(page, '07-overview');

    const phone = await context.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(`${stack.url}/apps/${state.appId}/endpoints`);
    await phone.getByRole('heading', { name: 'Endpoints', exact: true }).waitFor();
    // The side navigation folds behind a menu button.
    expect(await phone.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await phone.getByRole('button', { name: 'Menu' }).click();
    expect(await phone.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(PHONE.width);
    await screenshot(phone, '08-phone-endpoints');
    await phone.close();
  });

  it('creates an API key that is shown once, then revokes it', async () => {
    await page.goto(`${stack.url}/api-keys`);
    await page.getByLabel('Key name').fill('billing-service');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!;
    expect(key).toMatch(/^hk_/);
    // The key works against the API…
    expect((await stack.gql('{ viewer { kind } }', {}, key)).data).toEqual({
      viewer: { kind: 'apiKey' },
    });
    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await page.getByTestId('new-api-key').count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke…' }).click();
    await page.getByRole('button', { name: 'Confirm revoke' }).click();
    await page.getByText('No API keys').waitFor();
    // …and not after revocation.
    const refused = await stack.gql('{ viewer { kind } }', {}, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await screenshot(page, '09-api-keys');
  });

  it('shows billing as not configured without Stripe', async () => {
    await page.goto(`${stack.url}/billing`);
    expect(await page.getByTestId('billing-plan').textContent()).toBe('free');
    await page.getByText('Billing is not configured for this deployment').waitFor();
    await screenshot(page, '10-billing');
  });
});

/** Runs a GraphQL request from inside a page, as the app would (same origin, bearer token). */
function gqlFrom(
  target: Page,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return target.evaluate(
    async ([t, q, v]) => {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
        body: JSON.stringify({ query: q, variables: v }),
      });
      return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    },
    [token, query, variables] as const,
  );
}

describe.sequential('consumer app portal', () => {
  let customer: BrowserContext;
  let portal: Page;
  let portalErrors: string[];

  beforeEach((ctx) => {
    onTestFailed(() =>
      screenshot(portal ?? page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`),
    );
  });

  it('lets the tenant brand the portal and create a one-time link', async () => {
    await page.goto(`${stack.url}/settings`);
    await page.getByLabel('Display name').fill('Acme Billing');
    await page.getByLabel('Accent colour', { exact: true }).fill('#0f766e');
    await page.getByRole('button', { name: 'Save branding' }).click();
    await page.getByText('Branding saved.').waitFor();

    await page.goto(`${stack.url}/apps/${state.appId}/portal`);
    await page.getByRole('button', { name: 'Create portal link' }).click();
    state.link = (await page.getByTestId('portal-link').textContent())!;
    expect(state.link.startsWith(`${stack.url}/portal#token=`)).toBe(true);
    await screenshot(page, '11-portal-link');
  });

  it('opens the link as the customer, branded and limited to their application', async () => {
    ({ context: customer } = await newContext(browser));
    portal = await customer.newPage();
    portalErrors = collectErrors(portal);
    await portal.goto(state.link!);
    await portal.getByTestId('portal-application').waitFor();
    expect(await portal.getByTestId('portal-application').textContent()).toBe('Globex');
    await portal.getByText('Acme Billing').waitFor();
    // The one-time token leaves the address bar at once.
    expect(new URL(portal.url()).hash).toBe('');
    const accent = await portal.evaluate<string>(
      "getComputedStyle(document.querySelector('.btn-primary')).backgroundColor",
    );
    expect(accent).toBe('rgb(15, 118, 110)');
    await portal
      .getByRole('cell', { name: new RegExp(receiver.url.replace(/[.?]/g, '\\$&')) })
      .waitFor();
    await screenshot(portal, '12-consumer-endpoints');
  });

  it('adds an endpoint there, with URL validation', async () => {
    await portal.getByRole('link', { name: 'Add endpoint' }).click();
    await portal.getByLabel('Endpoint URL').fill('ftp://files.example/hook');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await portal.getByText('Only http(s) URLs can receive webhooks').first().waitFor();
    const url = receiver.url.replace('/hook', '/consumer-hook');
    await portal.getByLabel('Endpoint URL').fill(url);
    await portal.getByLabel('Description').fill('Added by Globex');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await portal.getByRole('heading', { name: 'Signing secret' }).waitFor();
    await portal.getByRole('button', { name: 'Reveal secret' }).click();
    expect(await portal.getByTestId('endpoint-secret').textContent()).toMatch(/^whsec_/);
    // Tenant-only tools are not offered to the customer.
    expect(await portal.getByRole('form', { name: 'Send a test event' }).count()).toBe(0);
    await screenshot(portal, '13-consumer-endpoint');

    const seen = await stack.ok<{ endpoints: { nodes: { url: string; description: string }[] } }>(
      `query($app: String!) { endpoints(application: $app) { nodes { url description } } }`,
      { app: state.appId },
      state.token,
    );
    expect(seen.endpoints.nodes).toContainEqual({ url, description: 'Added by Globex' });
  });

  it('shows the event catalogue and the message log', async () => {
    await portal.getByRole('link', { name: 'Event catalogue' }).click();
    await portal.getByRole('button', { name: /invoice\.paid/ }).click();
    await portal.getByText('"required"').waitFor();
    await screenshot(portal, '14-consumer-catalogue');
    await portal.getByRole('link', { name: 'Messages', exact: true }).click();
    await portal.getByRole('link', { name: /^msg_/ }).first().click();
    await portal.getByRole('heading', { name: 'Deliveries' }).waitFor();
    await portal.getByTestId('attempt-row').first().waitFor();
    await screenshot(portal, '15-consumer-message');
  });

  it('cannot reach another application of the tenant', async () => {
    const other = await stack.ok<{ createApplication: { id: string } }>(
      `mutation { createApplication(input: { name: "Initech", uid: "initech" }) { id } }`,
      {},
      state.token,
    );
    const otherApp = other.createApplication.id;
    const otherEndpoint = await stack.ok<{ createEndpoint: { id: string } }>(
      `mutation($app: String!, $url: String!) { createEndpoint(input: { application: $app, url: $url }) { id } }`,
      { app: otherApp, url: receiver.url.replace('/hook', '/initech') },
      state.token,
    );
    const epId = otherEndpoint.createEndpoint.id;
    const session = JSON.parse(
      (await portal.evaluate<string>('sessionStorage.getItem("herald.portal")'))!,
    ) as { sessionToken: string };

    const codes = async (query: string, variables: Record<string, unknown>) =>
      (await gqlFrom(portal, session.sessionToken, query, variables)).errors?.[0]?.extensions?.code;
    expect(
      await codes(`query($a: String!) { endpoints(application: $a) { nodes { id } } }`, {
        a: otherApp,
      }),
    ).toBe('NOT_FOUND');
    expect(
      await codes(`query($a: String!) { endpoints(application: $a) { nodes { id } } }`, {
        a: 'initech',
      }),
    ).toBe('NOT_FOUND');
    expect(await codes(`query($id: ID!) { endpoint(id: $id) { url } }`, { id: epId })).toBe(
      'NOT_FOUND',
    );
    expect(await codes(`query($id: ID!) { endpointSecret(id: $id) { key } }`, { id: epId })).toBe(
      'NOT_FOUND',
    );
    expect(await codes(`mutation($id: ID!) { deleteEndpoint(id: $id) }`, { id: epId })).toBe(
      'NOT_FOUND',
    );
    expect(await codes(`{ applications { nodes { id } } }`, {})).toMatch(
      /FORBIDDEN|UNAUTHENTICATED/,
    );
    expect(await codes(`{ members { nodes { id } } }`, {})).toMatch(/FORBIDDEN|UNAUTHENTICATED/);

    // Through the UI, too: a guessed URL shows "not found" and nothing of the endpoint.
    await portal.goto(`${stack.url}/portal/endpoints/${epId}`);
    await portal.getByRole('alert').filter({ hasText: 'not found' }).waitFor();
    expect(await portal.getByText('/initech').count()).toBe(0);
    // The other application's endpoint still exists.
    const still = await stack.gql(
      `query($id: ID!) { endpoint(id: $id) { id } }`,
      { id: epId },
      state.token,
    );
    expect(still.data).toEqual({ endpoint: { id: epId } });
  });

  it('works once: the same link cannot be used again', async () => {
    const { context: second } = await newContext(browser);
    const again = await second.newPage();
    await again.goto(state.link!);
    await again.getByRole('heading', { name: 'Portal link needed' }).waitFor();
    expect(await again.getByTestId('portal-application').count()).toBe(0);
    await second.close();
  });

  it('hides and refuses changes on a read-only link', async () => {
    const link = await stack.ok<{ createPortalSession: { token: string } }>(
      `mutation($app: ID!) { createPortalSession(applicationId: $app, capabilities: [READ], expiresInSeconds: 600) { token } }`,
      { app: state.appId },
      state.token,
    );
    const { context: readOnly } = await newContext(browser);
    const view = await readOnly.newPage();
    await view.goto(
      `${stack.url}/portal#token=${encodeURIComponent(link.createPortalSession.token)}`,
    );
    await view.getByText('read-only').waitFor();
    await view.getByRole('cell', { name: /consumer-hook/ }).waitFor();
    expect(await view.getByRole('link', { name: 'Add endpoint' }).count()).toBe(0);
    const session = JSON.parse(
      (await view.evaluate<string>('sessionStorage.getItem("herald.portal")'))!,
    ) as { sessionToken: string };
    const refused = await gqlFrom(
      view,
      session.sessionToken,
      `mutation($app: String!) { createEndpoint(input: { application: $app, url: "http://127.0.0.1:9/x" }) { id } }`,
      { app: state.appId },
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await screenshot(view, '16-consumer-read-only');
    await readOnly.close();
  });

  it('can be embedded in an iframe, while the dashboard refuses to be framed', async () => {
    const link = await stack.ok<{ createPortalSession: { token: string } }>(
      `mutation($app: ID!) { createPortalSession(applicationId: $app) { token } }`,
      { app: state.appId },
      state.token,
    );
    const host = await customer.newPage();
    await host.goto(`${stack.url}/healthz`);
    await host.setContent(
      `<iframe id="portal" style="width:1000px;height:700px" src="${stack.url}/portal#token=${encodeURIComponent(link.createPortalSession.token)}"></iframe>` +
        `<iframe id="dashboard" src="${stack.url}/login"></iframe>`,
    );
    const framed = host.frameLocator('#portal');
    await framed.getByTestId('portal-application').waitFor();
    expect(await framed.getByTestId('portal-application').textContent()).toBe('Globex');
    await new Promise((r) => setTimeout(r, 500));
    expect(await host.frameLocator('#dashboard').getByText('Log in to Herald').count()).toBe(0);
    await screenshot(host, '17-consumer-embedded');
    await host.close();
  });

  it('ran without page errors or requests leaving loopback', async () => {
    expect(portalErrors).toEqual([]);
    expect(errors).toEqual([]);
    expect(offLoopback).toEqual([]);
    await customer.close();
  });
});
