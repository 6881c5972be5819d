import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/client';
import { fakeClient, pageInfo, renderWith, SCOPE } from '../test/render';
import { EndpointList } from './EndpointList';

const endpoint = (n: number) => ({
  id: `ep_${n}`,
  applicationId: 'app_1',
  url: `https://example.test/${n}`,
  description: '',
  eventTypes: null,
  channels: null,
  payloadFilter: null,
  headers: {},
  rateLimitPerSecond: null,
  fifo: false,
  disabled: n === 2,
  disabledAt: null,
  disabledReason: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  stats: { succeeded: n, failed: 0, pending: 0, exhausted: 0 },
});

describe('EndpointList', () => {
  it('pages through the cursor connection forwards and back', async () => {
    const user = userEvent.setup();
    const client = fakeClient({
      Endpoints: ({ after }: { after: string | null }) =>
        after === null
          ? { endpoints: { nodes: [endpoint(1), endpoint(2)], pageInfo: pageInfo(true, 'cur_2') } }
          : { endpoints: { nodes: [endpoint(3)], pageInfo: pageInfo(false, 'cur_3') } },
    });
    renderWith(<EndpointList />, { client });
    await screen.findByText('https://example.test/1');
    expect(screen.getByText('DISABLED')).toBeTruthy();
    expect(screen.getByText('Page 1')).toBeTruthy();
    expect(screen.getByRole('button', { name: '← Previous' }).hasAttribute('disabled')).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Next →' }));
    await screen.findByText('https://example.test/3');
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Next →' }).hasAttribute('disabled')).toBe(true);
    expect(client.calls.at(-1)!.variables).toMatchObject({
      application: 'app_1',
      after: 'cur_2',
      first: 25,
    });

    await user.click(screen.getByRole('button', { name: '← Previous' }));
    await screen.findByText('https://example.test/1');
    expect(client.calls.at(-1)!.variables.after).toBeNull();
  });

  it('explains the empty state by role', async () => {
    renderWith(<EndpointList />, {
      client: fakeClient({
        Endpoints: () => ({ endpoints: { nodes: [], pageInfo: pageInfo(false) } }),
      }),
      scope: { ...SCOPE, canWrite: false },
    });
    await screen.findByText('No endpoints yet');
    expect(screen.getByText(/Ask someone with write access/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Add endpoint' })).toBeNull();
    // No pager for a single page.
    expect(screen.queryByRole('navigation', { name: 'Endpoint pages' })).toBeNull();
  });

  it('shows a clear error', async () => {
    renderWith(<EndpointList />, {
      client: fakeClient({
        Endpoints: () => new ApiError('NOT_FOUND', 'Application app_1 not found'),
      }),
    });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Could not load endpoints: Application app_1 not found',
      ),
    );
  });
});
