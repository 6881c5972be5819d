import { useState, type FormEvent } from 'react';
import { InviteMember, MembersQuery, RemoveMember, UpdateMemberRole } from '../api';
import {
  Button,
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

const ROLES: Role[] = ['owner', 'admin', 'developer', 'viewer'];
const ROLE_HELP =
  'Owner > admin > developer > viewer. Viewers only read; developers manage applications and endpoints; admins also manage members and keys.';

export function Members() {
  const viewer = useViewer();
  const canManage = hasRole(viewer, 'admin');
  const pages = useCursorPages(50);
  const { data, error, fetching, refetch } = useQuery(MembersQuery, {
    first: pages.first,
    after: pages.after,
  });
  const invite = useMutation(InviteMember);
  const updateRole = useMutation(UpdateMemberRole);
  const remove = useMutation(RemoveMember);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('developer');
  const [submitted, setSubmitted] = useState(false);
  const emailError = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())
    ? undefined
    : 'Enter an email address';

  const onInvite = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (emailError) return;
    if (await invite.run({ email: email.trim(), role })) {
      setEmail('');
      setSubmitted(false);
      refetch();
    }
  };

  return (
    <div className="stack">
      <PageHeader title="Members" />
      <p className="hint">{ROLE_HELP}</p>
      {canManage && (
        <form
          className="card form inline-form"
          onSubmit={onInvite}
          noValidate
          aria-label="Invite a member"
        >
          <Field label="Email" error={submitted ? emailError : undefined}>
            {(p) => (
              <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <Field label="Role">
            {(p) => (
              <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.filter((r) => hasRole(viewer, r)).map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            )}
          </Field>
          <Button type="submit" variant="primary" busy={invite.fetching}>
            Invite
          </Button>
        </form>
      )}
      <ErrorNotice error={invite.error} title="Could not invite" />
      {invite.data && (
        <Notice kind="success">
          Invitation mailed to <strong>{invite.data.inviteMember.invitationSentTo}</strong>. The
          link in it is the only way in: it proves the address belongs to the invitee.
        </Notice>
      )}
      <ErrorNotice error={error ?? updateRole.error ?? remove.error} />
      {!data && fetching && <Loading what="members" />}
      {data && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                {canManage && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {data.members.nodes.map((m) => {
                const self = m.user.id === viewer.user?.id;
                return (
                  <tr key={m.id}>
                    <td>
                      {m.user.email}{' '}
                      {m.pending && <span className="badge badge-wait">invited</span>}
                      {self && <span className="hint"> (you)</span>}
                    </td>
                    <td>
                      {canManage && !self ? (
                        <select
                          aria-label={`Role of ${m.user.email}`}
                          value={m.role}
                          disabled={updateRole.fetching}
                          onChange={async (e) => {
                            if (await updateRole.run({ id: m.id, role: e.target.value as Role }))
                              refetch();
                          }}
                        >
                          {ROLES.map((r) => (
                            <option key={r}>{r}</option>
                          ))}
                        </select>
                      ) : (
                        m.role
                      )}
                    </td>
                    <td>
                      <Time iso={m.createdAt} />
                    </td>
                    {canManage && (
                      <td>
                        {!self && (
                          <Button
                            variant="danger"
                            busy={remove.fetching}
                            onClick={async () => (await remove.run({ id: m.id })) && refetch()}
                          >
                            Remove
                          </Button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        pages={pages}
        pageInfo={data?.members.pageInfo}
        fetching={fetching}
        label="Member pages"
      />
    </div>
  );
}
