import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Router } from '../lib/router';
import { ConsumerApp, tokenFromHash } from './ConsumerApp';

const SESSION = {
  sessionToken: 'hps_session',
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  capabilities: ['READ'],
  application: { id: 'app_7', name: 'Globex', uid: 'globex' },
  branding: { displayName: 'Acme Billing', logoUrl: null, accentColor: '#0f766e' },
};

type Call = { query: string; variables: Record<string, unknown>; authorization?: string };

function stubApi(answer: (call: Call) => unknown) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(init.body as string);
      const call = {
        ...body,
        authorization: (init.headers as Record<string, string>).authorization,
      };
      calls.push(call);
      return new Response(JSON.stringify(answer(call)), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return calls;
}

function renderAt(url: string) {
  window.history.replaceState(null, '', url);
  return render(
    <Router>
      <ConsumerApp />
    </Router>,
  );
}

beforeEach(() => sessionStorage.clear());
afterEach(() => vi.unstubAllGlobals());

describe('consumer portal', () => {
  it('reads the token from the fragment only', () => {
    expect(tokenFromHash('#token=hpl_abc')).toBe('hpl_abc');
    expect(tokenFromHash('#other=1')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });

  it('exchanges the link once, drops the token from the URL and keeps the session for the tab', async () => {
    const calls = stubApi((call) =>
      call.query.includes('ExchangePortalToken')
        ? { data: { exchangePortalToken: SESSION } }
        : { data: { endpoints: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } },
    );
    renderAt('/portal#token=hpl_once');
    await screen.findByTestId('portal-application');
    expect(screen.getByTestId('portal-application').textContent).toBe('Globex');
    expect(screen.getByText('Acme Billing')).toBeTruthy();
    expect(screen.getByText('read-only')).toBeTruthy();
    expect(window.location.hash).toBe('');
    expect(calls[0]!.variables).toEqual({ token: 'hpl_once' });
    expect(calls[0]!.authorization).toBeUndefined();
    expect(JSON.parse(sessionStorage.getItem('herald.portal')!).sessionToken).toBe('hps_session');
    // Later requests carry the session token and are scoped to the one application.
    await screen.findByText('No endpoints yet');
    expect(calls[1]!.authorization).toBe('Bearer hps_session');
    expect(calls[1]!.variables).toMatchObject({ application: 'app_7' });
    // Read-only: nothing to add.
    expect(screen.queryByRole('link', { name: 'Add endpoint' })).toBeNull();
  });

  it('explains what to do when the link was used or expired', async () => {
    stubApi(() => ({
      errors: [
        { message: 'Portal link expired or already used', extensions: { code: 'UNAUTHENTICATED' } },
      ],
    }));
    renderAt('/portal#token=hpl_used');
    await screen.findByRole('heading', { name: 'Portal link needed' });
    expect(screen.getByText(/Links work once/)).toBeTruthy();
    expect(sessionStorage.getItem('herald.portal')).toBeNull();
  });

  it('resumes the tab session after a reload without a token', async () => {
    sessionStorage.setItem('herald.portal', JSON.stringify(SESSION));
    const { sessionToken: _token, ...context } = SESSION;
    const calls = stubApi((call) =>
      call.query.includes('query PortalSession')
        ? { data: { portalSession: { ...context, capabilities: ['READ', 'WRITE'] } } }
        : { data: { endpoints: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } } },
    );
    renderAt('/portal');
    await screen.findByTestId('portal-application');
    await waitFor(() => expect(screen.getByRole('link', { name: 'Add endpoint' })).toBeTruthy());
    expect(calls[0]!.authorization).toBe('Bearer hps_session');
    expect(calls[1]!.authorization).toBe('Bearer hps_session');
  });
});
