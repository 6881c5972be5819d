import { useMemo, useState } from 'react';
import { Provider } from 'urql';
import { createUrqlClient } from '../lib/client';
import { Redirect, Routes, useLocation } from '../lib/router';
import { tenantToken } from '../lib/session';
import { ApiKeys } from './ApiKeys';
import { ApplicationPage } from './ApplicationPage';
import { Applications } from './Applications';
import { LogInPage, SignUpPage } from './AuthPages';
import { Billing } from './Billing';
import { AcceptInvitationPage, VerifyEmailPage } from './EmailLinks';
import { EventTypeEdit, EventTypeNew, EventTypes } from './EventTypes';
import { Members } from './Members';
import { Overview } from './Overview';
import { Settings } from './Settings';
import { Shell } from './Shell';

function NotFound() {
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>
        <a href="/">Go to the overview</a>
      </p>
    </div>
  );
}

/** The tenant dashboard: sign-in screens without a session, the shell with one. */
export function DashboardApp() {
  const [token, setToken] = useState(tenantToken.get);
  const { pathname } = useLocation();
  const client = useMemo(
    () =>
      createUrqlClient({
        getToken: tenantToken.get,
        onUnauthenticated: () => {
          tenantToken.clear();
          setToken(null);
        },
      }),
    [],
  );
  const start = (next: string) => {
    tenantToken.set(next);
    setToken(next);
  };
  const end = () => {
    tenantToken.clear();
    setToken(null);
  };

  return (
    <Provider value={client}>
      {/* The pages mailed links open work with or without a session. */}
      {pathname === '/verify-email' ? (
        <VerifyEmailPage />
      ) : pathname === '/accept-invitation' ? (
        <AcceptInvitationPage signedIn={token !== null} onSession={start} />
      ) : !token ? (
        <Routes
          routes={[
            { path: '/signup', element: <SignUpPage onSession={start} /> },
            { path: '/login', element: <LogInPage onSession={start} /> },
          ]}
          fallback={<Redirect to="/login" />}
        />
      ) : pathname === '/login' || pathname === '/signup' ? (
        <Redirect to="/" />
      ) : (
        <Shell key={token} onLogOut={end}>
          <Routes
            routes={[
              { path: '/', element: <Overview /> },
              { path: '/apps', element: <Applications /> },
              { path: '/apps/:appId/*', element: <ApplicationPage /> },
              { path: '/event-types', element: <EventTypes /> },
              { path: '/event-types/new', element: <EventTypeNew /> },
              { path: '/event-types/:name', element: <EventTypeEdit /> },
              { path: '/members', element: <Members /> },
              { path: '/api-keys', element: <ApiKeys /> },
              { path: '/billing', element: <Billing /> },
              { path: '/settings', element: <Settings /> },
            ]}
            fallback={<NotFound />}
          />
        </Shell>
      )}
    </Provider>
  );
}
