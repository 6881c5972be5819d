import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeClient, renderWith } from '../test/render';
import { LiveLog } from './LiveLog';

const event = (n: number, status: string, httpStatus: number | null) => ({
  deliveryEvents: {
    deliveryId: `dlv_${n}`,
    messageId: `msg_${n}`,
    applicationId: 'app_1',
    endpointId: 'ep_1',
    status,
    attemptId: httpStatus ? `atm_${n}` : null,
    httpStatus,
  },
});

describe('LiveLog', () => {
  it('subscribes to the application and shows events newest first as they arrive', async () => {
    const client = fakeClient({});
    renderWith(<LiveLog />, { client, path: '/apps/app_1/live' });
    expect(screen.getByText('Waiting for events…')).toBeTruthy();
    expect(client.calls).toEqual([
      { operation: 'DeliveryEvents', variables: { application: 'app_1' } },
    ]);
    // urql starts the subscription's transport a microtask after the operation.
    await waitFor(() => expect(client.open('DeliveryEvents')).toBe(1));

    act(() => client.emit('DeliveryEvents', event(1, 'PENDING', null)));
    act(() => client.emit('DeliveryEvents', event(1, 'SUCCEEDED', 200)));
    const rows = screen.getAllByTestId('live-event');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('SUCCEEDED');
    expect(rows[0]!.textContent).toContain('200');
    expect(rows[1]!.textContent).toContain('PENDING');
    expect(screen.getAllByRole('link', { name: 'msg_1' })[0]!.getAttribute('href')).toBe(
      '/apps/app_1/messages/msg_1',
    );
  });

  it('pauses by closing the subscription, and clears', async () => {
    const user = userEvent.setup();
    const client = fakeClient({});
    renderWith(<LiveLog />, { client, path: '/apps/app_1/live' });
    await waitFor(() => expect(client.open('DeliveryEvents')).toBe(1));
    act(() => client.emit('DeliveryEvents', event(1, 'FAILED', 500)));
    expect(screen.getAllByTestId('live-event')).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Pause' }));
    expect(client.open('DeliveryEvents')).toBe(0);
    expect(screen.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await user.click(screen.getByRole('button', { name: 'Resume' }));
    expect(client.open('DeliveryEvents')).toBe(1);
    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.queryAllByTestId('live-event')).toHaveLength(0);
  });

  it('keeps at most 200 events', async () => {
    const client = fakeClient({});
    renderWith(<LiveLog />, { client, path: '/apps/app_1/live' });
    await waitFor(() => expect(client.open('DeliveryEvents')).toBe(1));
    act(() => {
      for (let i = 0; i < 230; i++) client.emit('DeliveryEvents', event(i, 'SUCCEEDED', 200));
    });
    const rows = screen.getAllByTestId('live-event');
    expect(rows).toHaveLength(200);
    expect(rows[0]!.textContent).toContain('msg_229');
  });
});
