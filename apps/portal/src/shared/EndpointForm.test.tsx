import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/client';
import { fakeClient, pageInfo, renderWith } from '../test/render';
import { EndpointForm } from './EndpointForm';

const catalogue = {
  EventTypes: () => ({
    eventTypes: {
      nodes: [
        { id: 'et_1', name: 'invoice.paid', description: '', schema: null, example: null },
        { id: 'et_2', name: 'invoice.void', description: '', schema: null, example: null },
      ],
      pageInfo: pageInfo(false),
    },
  }),
};

describe('EndpointForm', () => {
  it('validates before sending anything', async () => {
    const user = userEvent.setup();
    const client = fakeClient(catalogue);
    renderWith(<EndpointForm />, { client, path: '/apps/app_1/endpoints/new' });
    await user.type(screen.getByLabelText('Endpoint URL'), 'example.com/hook');
    await user.click(screen.getByLabelText('All event types'));
    await user.type(screen.getByLabelText('Rate limit (requests per second)'), '0');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'Webhook-Id');
    await user.click(screen.getByRole('button', { name: 'Create endpoint' }));

    expect(
      screen.getAllByText('Enter a full URL such as https://example.com/webhooks').length,
    ).toBeGreaterThan(0);
    expect(screen.getByRole('alert').textContent).toMatch(/Pick at least one event type/);
    expect(screen.getByRole('alert').textContent).toMatch(/set by Herald/);
    expect(screen.getByLabelText('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    expect(client.calls.map((c) => c.operation)).toEqual(['EventTypes']);
  });

  it('flags a bad payload filter as you type', async () => {
    const user = userEvent.setup();
    renderWith(<EndpointForm />, {
      client: fakeClient(catalogue),
      path: '/apps/app_1/endpoints/new',
    });
    const filter = screen.getByLabelText('Payload filter (optional)');
    await user.click(filter);
    await user.paste('{"data.amount": {"$greater": 100}}');
    expect(screen.getByText('filter["data.amount"]: unknown operator $greater')).toBeTruthy();
    await user.clear(filter);
    await user.paste('{"data.amount": ');
    expect(screen.getByText(/^Invalid JSON/)).toBeTruthy();
  });

  it('sends the typed input and opens the new endpoint', async () => {
    const user = userEvent.setup();
    const client = fakeClient({
      ...catalogue,
      CreateEndpoint: () => ({ createEndpoint: { id: 'ep_9' } }),
    });
    renderWith(<EndpointForm />, { client, path: '/apps/app_1/endpoints/new' });
    await user.type(screen.getByLabelText('Endpoint URL'), 'https://globex.test/hooks');
    await user.type(screen.getByLabelText('Description'), 'Production');
    await user.click(screen.getByLabelText('All event types'));
    await user.click(await screen.findByLabelText('invoice.void'));
    await user.type(screen.getByLabelText('Channels'), 'eu, vip');
    await user.click(screen.getByLabelText('Payload filter (optional)'));
    await user.paste('{"data.amount": {"$gt": 100}}');
    await user.click(screen.getByRole('button', { name: 'Add header' }));
    await user.type(screen.getByLabelText('Header 1 name'), 'X-Tenant');
    await user.type(screen.getByLabelText('Header 1 value'), 'globex');
    await user.type(screen.getByLabelText('Rate limit (requests per second)'), '25');
    await user.click(screen.getByLabelText(/FIFO/));
    await user.click(screen.getByRole('button', { name: 'Create endpoint' }));

    await waitFor(() => expect(window.location.pathname).toBe('/apps/app_1/endpoints/ep_9'));
    const call = client.calls.find((c) => c.operation === 'CreateEndpoint')!;
    expect(call.variables.input).toEqual({
      application: 'app_1',
      url: 'https://globex.test/hooks',
      description: 'Production',
      eventTypes: ['invoice.void'],
      channels: ['eu', 'vip'],
      payloadFilter: { 'data.amount': { $gt: 100 } },
      headers: { 'X-Tenant': 'globex' },
      rateLimitPerSecond: 25,
      fifo: true,
    });
  });

  it('shows the server refusal next to the field it names', async () => {
    const user = userEvent.setup();
    const client = fakeClient({
      ...catalogue,
      CreateEndpoint: () =>
        new ApiError('BAD_USER_INPUT', 'url: private addresses are not allowed', { field: 'url' }),
    });
    renderWith(<EndpointForm />, { client, path: '/apps/app_1/endpoints/new' });
    await user.type(screen.getByLabelText('Endpoint URL'), 'https://10.0.0.1/hook');
    await user.click(screen.getByRole('button', { name: 'Create endpoint' }));
    expect((await screen.findAllByText('url: private addresses are not allowed')).length).toBe(2);
    expect(window.location.pathname).toBe('/apps/app_1/endpoints/new');
    expect(screen.getByRole('button', { name: 'Create endpoint' }).hasAttribute('disabled')).toBe(
      false,
    );
  });
});
