import { useState, type FormEvent } from 'react';
import { ApplicationsQuery, CreateApplication } from '../api';
import {
  Button,
  EmptyState,
  ErrorNotice,
  Field,
  Loading,
  Pager,
  PageHeader,
  Time,
} from '../components/ui';
import { useCursorPages, useMutation, useQuery } from '../lib/hooks';
import { Link, useNavigate, useSearchParam } from '../lib/router';
import { hasRole, useViewer } from './viewer';

const UID = /^[a-zA-Z0-9_.-]{1,256}$/;

function CreateApplicationForm({ onCancel }: { onCancel(): void }) {
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [uid, setUid] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const create = useMutation(CreateApplication);
  const nameError = !name.trim()
    ? 'Give the application a name (usually your customer’s)'
    : undefined;
  const uidError = uid && !UID.test(uid) ? 'Letters, digits, "_", "-" and "." only' : undefined;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError || uidError) return;
    const data = await create.run({ input: { name: name.trim(), uid: uid || null } });
    if (data) navigate(`/apps/${data.createApplication.id}`);
  };
  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-label="New application">
      <h2>New application</h2>
      <Field label="Name" error={submitted ? nameError : undefined}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
      </Field>
      <Field
        label="UID (optional)"
        hint="Your own id for this customer; usable instead of the app_ id in the API."
        error={uidError}
      >
        {(p) => <input {...p} value={uid} onChange={(e) => setUid(e.target.value)} />}
      </Field>
      <ErrorNotice error={create.error} title="Could not create the application" />
      <div className="actions">
        <Button type="submit" variant="primary" busy={create.fetching}>
          Create application
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

export function Applications() {
  const viewer = useViewer();
  const [name, setName] = useSearchParam('q');
  const pages = useCursorPages(25, name);
  const [creating, setCreating] = useState(false);
  const { data, error, fetching } = useQuery(ApplicationsQuery, {
    first: pages.first,
    after: pages.after,
    name: name || null,
  });
  const apps = data?.applications.nodes ?? [];
  const canWrite = hasRole(viewer, 'developer');
  return (
    <div className="stack">
      <PageHeader
        title="Applications"
        actions={
          canWrite &&
          !creating && (
            <Button variant="primary" onClick={() => setCreating(true)}>
              New application
            </Button>
          )
        }
      />
      {creating && <CreateApplicationForm onCancel={() => setCreating(false)} />}
      <div className="filters" role="search">
        <label>
          Search by name
          <input
            type="search"
            defaultValue={name}
            onKeyDown={(e) => e.key === 'Enter' && setName(e.currentTarget.value.trim())}
            onBlur={(e) => setName(e.target.value.trim())}
          />
        </label>
      </div>
      <ErrorNotice error={error} title="Could not load applications" />
      {!data && fetching && <Loading what="applications" />}
      {data && apps.length === 0 && (
        <EmptyState title={name ? `No application matches “${name}”` : 'No applications yet'}>
          <p>
            An application stands for one of your customers: it owns their endpoints and the
            messages you send them.{' '}
            {canWrite && !name && 'Create the first one with “New application”.'}
          </p>
        </EmptyState>
      )}
      {apps.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">UID</th>
                <th scope="col">Id</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {apps.map((app) => (
                <tr key={app.id}>
                  <td>
                    <Link to={`/apps/${app.id}`}>{app.name}</Link>
                    {app.operational && <span className="badge badge-muted">operational</span>}
                  </td>
                  <td>{app.uid ?? '—'}</td>
                  <td>
                    <code>{app.id}</code>
                  </td>
                  <td>
                    <Time iso={app.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.applications.pageInfo}
        fetching={fetching}
        label="Application pages"
      />
    </div>
  );
}
