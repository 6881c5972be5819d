import { useState, type FormEvent, type ReactNode } from 'react';
import { ApplicationQuery, DeleteApplication, UpdateApplication } from '../api';
import { Button, ErrorNotice, Field, Loading, Notice, PageHeader } from '../components/ui';
import type { ApplicationQuery as ApplicationData } from '../gql/graphql';
import { useMutation, useQuery } from '../lib/hooks';
import { Link, Routes, useLocation, useNavigate, useParams } from '../lib/router';
import { EndpointDetail, EndpointEdit } from '../shared/EndpointDetail';
import { EndpointForm } from '../shared/EndpointForm';
import { EndpointList } from '../shared/EndpointList';
import { LiveLog } from '../shared/LiveLog';
import { MessageDetail, MessageList } from '../shared/Messages';
import { ScopeContext } from '../shared/scope';
import { PortalLinkPanel } from './PortalLinkPanel';
import { hasRole, useViewer } from './viewer';

type App = ApplicationData['application'];

function AppSettings({ app, onSaved }: { app: App; onSaved(): void }) {
  const navigate = useNavigate();
  const [name, setName] = useState(app.name);
  const [uid, setUid] = useState(app.uid ?? '');
  const [rate, setRate] = useState(app.rateLimitPerSecond ? String(app.rateLimitPerSecond) : '');
  const update = useMutation(UpdateApplication);
  const remove = useMutation(DeleteApplication);
  const [confirm, setConfirm] = useState('');
  const rateError =
    rate && !/^[1-9]\d*$/.test(rate) ? 'A whole number, or empty for no limit' : undefined;
  const nameError = name.trim() ? undefined : 'Name is required';
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (rateError || nameError) return;
    const data = await update.run({
      id: app.id,
      input: {
        name: name.trim(),
        uid: uid.trim() || null,
        rateLimitPerSecond: rate ? Number(rate) : null,
      },
    });
    if (data) onSaved();
  };
  return (
    <div className="stack">
      <form className="card form" onSubmit={onSubmit} noValidate aria-label="Application settings">
        <h2>Settings</h2>
        <Field label="Name" error={nameError}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="UID">
          {(p) => <input {...p} value={uid} onChange={(e) => setUid(e.target.value)} />}
        </Field>
        <Field label="Rate limit (messages per second across endpoints)" error={rateError}>
          {(p) => (
            <input
              {...p}
              inputMode="numeric"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
            />
          )}
        </Field>
        {update.data && !update.fetching && <Notice kind="success">Saved.</Notice>}
        <ErrorNotice error={update.error} title="Could not save" />
        <div className="actions">
          <Button type="submit" variant="primary" busy={update.fetching}>
            Save
          </Button>
        </div>
      </form>
      <section className="card danger-zone" aria-labelledby="delete-app">
        <h2 id="delete-app">Delete application</h2>
        <p>Deletes its endpoints and every message. This cannot be undone.</p>
        <Field label={`Type “${app.name}” to confirm`}>
          {(p) => <input {...p} value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
        </Field>
        <ErrorNotice error={remove.error} />
        <Button
          variant="danger"
          disabled={confirm !== app.name}
          busy={remove.fetching}
          onClick={async () => (await remove.run({ id: app.id })) && navigate('/apps')}
        >
          Delete application
        </Button>
      </section>
    </div>
  );
}

function Tab({ to, also, children }: { to: string; also?: string; children: ReactNode }) {
  const { pathname } = useLocation();
  const active = pathname === to || pathname.startsWith(`${to}/`) || pathname === also;
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

export function ApplicationPage() {
  const viewer = useViewer();
  const { appId } = useParams();
  const { data, error, refetch } = useQuery(ApplicationQuery, { id: appId! });
  if (error && !data) return <ErrorNotice error={error} title="Could not load the application" />;
  if (!data) return <Loading what="application" />;
  const app = data.application;
  const base = `/apps/${app.id}`;
  const canWrite = hasRole(viewer, 'developer');
  return (
    <ScopeContext.Provider
      value={{ applicationId: app.id, basePath: base, canWrite, consumer: false }}
    >
      <div className="stack">
        <p className="breadcrumb">
          <Link to="/apps">← Applications</Link>
        </p>
        <PageHeader
          title={
            <>
              {app.name} {app.uid && <span className="hint">({app.uid})</span>}
            </>
          }
        />
        <nav className="tabs" aria-label="Application">
          <Tab to={`${base}/endpoints`} also={base}>
            Endpoints
          </Tab>
          <Tab to={`${base}/messages`}>Messages</Tab>
          <Tab to={`${base}/live`}>Live log</Tab>
          <Tab to={`${base}/portal`}>Consumer portal</Tab>
          {canWrite && <Tab to={`${base}/settings`}>Settings</Tab>}
        </nav>
        <Routes
          routes={[
            {
              path: '/apps/:appId/endpoints/new',
              element: canWrite ? <EndpointForm /> : <p>Read-only role.</p>,
            },
            { path: '/apps/:appId/endpoints/:endpointId/edit', element: <EndpointEdit /> },
            { path: '/apps/:appId/endpoints/:endpointId', element: <EndpointDetail /> },
            { path: '/apps/:appId/messages/:messageId', element: <MessageDetail /> },
            { path: '/apps/:appId/messages', element: <MessageList /> },
            { path: '/apps/:appId/live', element: <LiveLog /> },
            { path: '/apps/:appId/portal', element: <PortalLinkPanel application={app} /> },
            { path: '/apps/:appId/settings', element: <AppSettings app={app} onSaved={refetch} /> },
          ]}
          fallback={<EndpointList />}
        />
      </div>
    </ScopeContext.Provider>
  );
}
