import { useState, type FormEvent } from 'react';
import { CreatePortalSession, RevokePortalSessions } from '../api-portal';
import { Button, CopyButton, ErrorNotice, Field, Notice, Time } from '../components/ui';
import type { PortalCapability } from '../gql/graphql';
import { useMutation } from '../lib/hooks';
import { useScope } from '../shared/scope';

const LIFETIMES: [number, string][] = [
  [900, '15 minutes'],
  [3600, '1 hour'],
  [86_400, '24 hours'],
  [7 * 86_400, '7 days'],
];

/** The link the customer opens: this app's own /portal, which is where the consumer portal lives. */
export function portalLink(origin: string, token: string): string {
  return `${origin}/portal#token=${encodeURIComponent(token)}`;
}

/** Creates one-time consumer portal links for the application, and revokes them all. */
export function PortalLinkPanel({ application }: { application: { id: string; name: string } }) {
  const scope = useScope();
  const [lifetime, setLifetime] = useState(3600);
  const [readOnly, setReadOnly] = useState(false);
  const create = useMutation(CreatePortalSession);
  const revoke = useMutation(RevokePortalSessions);
  const link = create.data
    ? portalLink(window.location.origin, create.data.createPortalSession.token)
    : null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    revoke.reset();
    const capabilities: PortalCapability[] = readOnly ? ['READ'] : ['READ', 'WRITE'];
    await create.run({ applicationId: application.id, expiresInSeconds: lifetime, capabilities });
  };

  return (
    <div className="stack">
      <section className="card" aria-labelledby="portal-heading">
        <h2 id="portal-heading">Consumer portal</h2>
        <p className="hint">
          Give {application.name} a link to manage their own endpoints, see the event catalogue and
          their message log — nothing else of your account. The link works once; the session it
          opens is limited to this application. You can embed the portal in your product with an
          iframe.
        </p>
        {scope.canWrite ? (
          <form className="form inline-form" onSubmit={onSubmit} aria-label="Create a portal link">
            <Field label="Link valid for">
              {(p) => (
                <select
                  {...p}
                  value={lifetime}
                  onChange={(e) => setLifetime(Number(e.target.value))}
                >
                  {LIFETIMES.map(([seconds, label]) => (
                    <option key={seconds} value={seconds}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <label className="check">
              <input
                type="checkbox"
                checked={readOnly}
                onChange={(e) => setReadOnly(e.target.checked)}
              />
              Read-only (no changes to endpoints)
            </label>
            <Button type="submit" variant="primary" busy={create.fetching}>
              Create portal link
            </Button>
          </form>
        ) : (
          <p className="hint">Your role cannot create portal links.</p>
        )}
        <ErrorNotice error={create.error} title="Could not create the link" />
        {link && create.data && (
          <Notice kind="success">
            <p>
              One-time link ({create.data.createPortalSession.capabilities.join(' + ')}), valid
              until <Time iso={create.data.createPortalSession.expiresAt} />:
            </p>
            <div className="secret">
              <code data-testid="portal-link">{link}</code>
              <CopyButton text={link} />
              <a href={link} target="_blank" rel="noreferrer">
                Open
              </a>
            </div>
            <p className="hint">Embed:</p>
            <pre className="code">{`<iframe src="${link}" style="width:100%;height:720px;border:0"></iframe>`}</pre>
          </Notice>
        )}
      </section>
      {scope.canWrite && (
        <section className="card" aria-labelledby="revoke-heading">
          <h2 id="revoke-heading">Revoke access</h2>
          <p className="hint">
            Ends every open portal session and unused link of this application.
          </p>
          <Button
            variant="danger"
            busy={revoke.fetching}
            onClick={() => revoke.run({ applicationId: application.id })}
          >
            Revoke all portal sessions
          </Button>
          {revoke.data && (
            <Notice kind="success">
              {revoke.data.revokePortalSessions} sessions and links revoked.
            </Notice>
          )}
          <ErrorNotice error={revoke.error} />
        </section>
      )}
    </div>
  );
}
