import { useState, type FormEvent } from 'react';
import { ApiKeysQuery, CreateApiKey, RevokeApiKey } from '../api';
import {
  Button,
  CopyButton,
  EmptyState,
  ErrorNotice,
  Field,
  Loading,
  Notice,
  Pager,
  PageHeader,
  Time,
} from '../components/ui';
import type { Role } from '../gql/graphql';
import { useCursorPages, useMutation, useQuery } from '../lib/hooks';
import { hasRole, useViewer } from './viewer';

export function ApiKeys() {
  const viewer = useViewer();
  const canManage = hasRole(viewer, 'admin');
  const [showRevoked, setShowRevoked] = useState(false);
  const pages = useCursorPages(25, String(showRevoked));
  const { data, error, fetching, refetch } = useQuery(ApiKeysQuery, {
    first: pages.first,
    after: pages.after,
    includeRevoked: showRevoked,
  });
  const create = useMutation(CreateApiKey);
  const revoke = useMutation(RevokeApiKey);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('developer');
  const [submitted, setSubmitted] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const nameError = name.trim()
    ? undefined
    : 'Name the key after what uses it, e.g. "billing-service"';
  const keys = data?.apiKeys.nodes ?? [];

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (nameError) return;
    if (await create.run({ input: { name: name.trim(), role } })) {
      setName('');
      setSubmitted(false);
      refetch();
    }
  };

  return (
    <div className="stack">
      <PageHeader title="API keys" />
      <p className="hint">
        Your servers send events with an API key: <code>Authorization: Bearer hk_…</code>
      </p>
      {canManage && (
        <form
          className="card form inline-form"
          onSubmit={onCreate}
          noValidate
          aria-label="Create an API key"
        >
          <Field label="Key name" error={submitted ? nameError : undefined}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <Field label="Role">
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {(['admin', 'developer', 'viewer'] as Role[])
                  .filter((r) => hasRole(viewer, r))
                  .map((r) => (
                    <option key={r}>{r}</option>
                  ))}
              </select>
            )}
          </Field>
          <Button type="submit" variant="primary" busy={create.fetching}>
            Create key
          </Button>
        </form>
      )}
      <ErrorNotice error={create.error} title="Could not create the key" />
      {create.data && (
        <Notice kind="warning">
          <strong>Copy this key now: it is shown only once.</strong>
          <div className="secret">
            <code data-testid="new-api-key">{create.data.createApiKey.key}</code>
            <CopyButton text={create.data.createApiKey.key} />
          </div>
          <Button variant="link" onClick={create.reset}>
            I have stored it
          </Button>
        </Notice>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={showRevoked}
          onChange={(e) => setShowRevoked(e.target.checked)}
        />
        Show revoked keys
      </label>
      <ErrorNotice error={error ?? revoke.error} />
      {!data && fetching && <Loading what="API keys" />}
      {data && keys.length === 0 && (
        <EmptyState title="No API keys">
          <p>
            Create a key for each service that publishes events, so you can revoke one without
            touching the others.
          </p>
        </EmptyState>
      )}
      {keys.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Role</th>
                <th scope="col">Last used</th>
                <th scope="col">Created by</th>
                <th scope="col">Created</th>
                {canManage && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.role}</td>
                  <td>
                    <Time iso={k.lastUsedAt} />
                  </td>
                  <td>{k.createdBy?.email ?? '—'}</td>
                  <td>
                    <Time iso={k.createdAt} />
                  </td>
                  {canManage && (
                    <td className="row-actions">
                      {k.revokedAt ? (
                        <span className="badge badge-muted">revoked</span>
                      ) : confirming === k.id ? (
                        <>
                          <Button
                            variant="danger"
                            busy={revoke.fetching}
                            onClick={async () => {
                              if (await revoke.run({ id: k.id })) refetch();
                              setConfirming(null);
                            }}
                          >
                            Confirm revoke
                          </Button>
                          <Button onClick={() => setConfirming(null)}>Cancel</Button>
                        </>
                      ) : (
                        <Button variant="danger" onClick={() => setConfirming(k.id)}>
                          Revoke…
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.apiKeys.pageInfo}
        fetching={fetching}
        label="API key pages"
      />
    </div>
  );
}
