import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { ExchangePortalToken, PortalSessionQuery } from '../api-portal';
import { ErrorNotice, Loading } from '../components/ui';
import { ApiError, createHttpClient, createUrqlClient, describeError } from '../lib/client';
import { accentStyle } from '../lib/branding';
import { Link, Routes, useLocation } from '../lib/router';
import { consumerSession, type ConsumerSession } from '../lib/session';
import { EndpointDetail, EndpointEdit } from '../shared/EndpointDetail';
import { EndpointForm } from '../shared/EndpointForm';
import { EndpointList } from '../shared/EndpointList';
import { EventCatalogue } from '../shared/EventCatalogue';
import { LiveLog } from '../shared/LiveLog';
import { MessageDetail, MessageList } from '../shared/Messages';
import { ScopeContext } from '../shared/scope';

/** The one-time token of a magic link: /portal#token=… */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.length <= 512 ? token : null;
}

type State =
  | { kind: 'loading' }
  | { kind: 'ready'; session: ConsumerSession }
  | { kind: 'failed'; error: unknown };

/**
 * Turns the magic link into a session (once), or resumes the tab's session. The token is
 * removed from the address bar straight away so it does not linger in history or screenshots.
 */
function useConsumerSession(): [State, () => void] {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const client = useMemo(
    () => createHttpClient({ getToken: () => consumerSession.get()?.sessionToken ?? null }),
    [],
  );
  useEffect(() => {
    let cancelled = false;
    const token = tokenFromHash(window.location.hash);
    const done = (next: State) => !cancelled && setState(next);
    if (token) {
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
      consumerSession.clear();
      client.request(ExchangePortalToken, { token }).then(
        ({ exchangePortalToken: s }) => {
          const session: ConsumerSession = { ...s };
          consumerSession.set(session);
          done({ kind: 'ready', session });
        },
        (error: unknown) => done({ kind: 'failed', error }),
      );
    } else if (consumerSession.get()) {
      const saved = consumerSession.get()!;
      // Re-read capabilities and branding: the tenant may have revoked or rebranded since.
      client.request(PortalSessionQuery, {}).then(
        ({ portalSession: s }) => {
          const session = { ...saved, ...s };
          consumerSession.set(session);
          done({ kind: 'ready', session });
        },
        (error: unknown) => {
          consumerSession.clear();
          done({ kind: 'failed', error });
        },
      );
    } else {
      done({ kind: 'failed', error: null });
    }
    return () => {
      cancelled = true;
    };
  }, [client]);
  return [
    state,
    () =>
      setState({
        kind: 'failed',
        error: new ApiError('UNAUTHENTICATED', 'Your portal session has ended'),
      }),
  ];
}

function Expired({ error }: { error: unknown }) {
  const code = error instanceof ApiError ? error.code : null;
  return (
    <main className="auth">
      <div className="card">
        <h1>Portal link needed</h1>
        <p>
          {code === 'UNAUTHENTICATED' || code === 'NOT_FOUND' || !error
            ? 'This portal link has expired or was already used. Links work once: ask for a new one from the service that sent it.'
            : describeError(error)}
        </p>
        {error !== null && code !== 'UNAUTHENTICATED' && code !== 'NOT_FOUND' && (
          <ErrorNotice error={error} />
        )}
      </div>
    </main>
  );
}

function Tab({ to, exact, children }: { to: string; exact?: boolean; children: ReactNode }) {
  const { pathname } = useLocation();
  const active = exact
    ? pathname === to || pathname.startsWith('/portal/endpoints')
    : pathname.startsWith(to);
  return (
    <Link
      to={to}
      className={`tab${active ? ' active' : ''}`}
      aria-current={active ? 'page' : undefined}
    >
      {children}
    </Link>
  );
}

/** The consumer app portal: one application, reached through a magic link, embeddable. */
export function ConsumerApp() {
  const [state, end] = useConsumerSession();
  const client = useMemo(
    () =>
      createUrqlClient({
        getToken: () => consumerSession.get()?.sessionToken ?? null,
        onUnauthenticated: () => {
          consumerSession.clear();
          end();
        },
      }),
    // `end` only flips local state; one client per mount is enough.
    [],
  );
  if (state.kind === 'loading') return <Loading what="your portal" />;
  if (state.kind === 'failed') return <Expired error={state.error} />;
  const { session } = state;
  const canWrite = session.capabilities.includes('WRITE');
  const brand = session.branding?.displayName || 'Webhooks';
  return (
    <Provider value={client}>
      <div className="consumer" style={accentStyle(session.branding?.accentColor)}>
        <header className="topbar">
          <span className="brand">
            {session.branding?.logoUrl && <img src={session.branding.logoUrl} alt="" />}
            {brand}
          </span>
          <span className="tenant-name" data-testid="portal-application">
            {session.application.name}
          </span>
          {!canWrite && <span className="badge badge-muted">read-only</span>}
        </header>
        <main id="main" className="content">
          <nav className="tabs" aria-label="Portal">
            <Tab to="/portal" exact>
              Endpoints
            </Tab>
            <Tab to="/portal/event-types">Event catalogue</Tab>
            <Tab to="/portal/messages">Messages</Tab>
            <Tab to="/portal/live">Live log</Tab>
          </nav>
          <ScopeContext.Provider
            value={{
              applicationId: session.application.id,
              basePath: '/portal',
              canWrite,
              consumer: true,
            }}
          >
            <div className="stack portal-body">
              <Routes
                routes={[
                  {
                    path: '/portal/endpoints/new',
                    element: canWrite ? (
                      <EndpointForm />
                    ) : (
                      <ErrorNotice error={new ApiError('FORBIDDEN', 'This link is read-only')} />
                    ),
                  },
                  { path: '/portal/endpoints/:endpointId/edit', element: <EndpointEdit /> },
                  { path: '/portal/endpoints/:endpointId', element: <EndpointDetail /> },
                  { path: '/portal/event-types', element: <EventCatalogue /> },
                  { path: '/portal/messages/:messageId', element: <MessageDetail /> },
                  { path: '/portal/messages', element: <MessageList /> },
                  { path: '/portal/live', element: <LiveLog /> },
                ]}
                fallback={<EndpointList />}
              />
            </div>
          </ScopeContext.Provider>
        </main>
      </div>
    </Provider>
  );
}
