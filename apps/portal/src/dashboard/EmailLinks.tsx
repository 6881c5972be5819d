import { useEffect, useState, type FormEvent } from 'react';
import { AcceptInvitation, RequestEmailVerification, VerifyEmail } from '../api';
import { tokenFromHash } from '../consumer/ConsumerApp';
import { Button, ErrorNotice, Field, Loading, Notice } from '../components/ui';
import { useMutation } from '../lib/hooks';
import { Link, useNavigate } from '../lib/router';

/**
 * The pages the links of Herald's mails open: /verify-email#token=… and
 * /accept-invitation#token=…. The token is taken out of the address bar at once, as the consumer
 * portal does with its magic links.
 */
function useLinkToken(): string | null {
  const [token] = useState(() => tokenFromHash(window.location.hash));
  useEffect(() => {
    if (window.location.hash)
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);
  return token;
}

export function VerifyEmailPage() {
  const token = useLinkToken();
  const verify = useMutation(VerifyEmail);
  useEffect(() => {
    if (token) void verify.run({ token });
    // Once per page load (token never changes): a verification link works once.
  }, [token]);
  return (
    <main className="auth">
      <div className="card form">
        <h1>Confirm your e-mail address</h1>
        {!token && (
          <Notice kind="warning">This link has no token; open the link from the mail.</Notice>
        )}
        {verify.fetching && <Loading what="your confirmation" />}
        <ErrorNotice error={verify.error} title="Could not confirm" />
        {verify.data && (
          <Notice kind="success">
            <strong>{verify.data.verifyEmail.email}</strong> is confirmed.
          </Notice>
        )}
        <p>
          <Link to="/">Go to the dashboard</Link>
        </p>
      </div>
    </main>
  );
}

/**
 * Accepting an invitation. A new account chooses its password; an existing one gives its own
 * (or is accepted as the signed-in user when that is the invited account). The API decides which.
 */
export function AcceptInvitationPage({
  signedIn,
  onSession,
}: {
  signedIn: boolean;
  onSession(token: string): void;
}) {
  const token = useLinkToken();
  const [password, setPassword] = useState('');
  const accept = useMutation(AcceptInvitation);
  const navigate = useNavigate();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token) return;
    const data = await accept.run({ token, password: password || null });
    if (data) {
      onSession(data.acceptInvitation.token);
      navigate('/', { replace: true });
    }
  };
  return (
    <main className="auth">
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="accept-title">
        <h1 id="accept-title">Accept the invitation</h1>
        {!token ? (
          <Notice kind="warning">This link has no token; open the link from the mail.</Notice>
        ) : (
          <>
            <p>
              If you already have a Herald account with this address, enter its password
              {signedIn ? ' (or leave it empty to accept as the account you are signed in as)' : ''}
              . Otherwise choose one: at least 10 characters.
            </p>
            <Field label="Password">
              {(p) => (
                <input
                  {...p}
                  type="password"
                  autoComplete="current-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              )}
            </Field>
            <ErrorNotice error={accept.error} title="Could not accept" />
            <Button type="submit" variant="primary" busy={accept.fetching}>
              Accept
            </Button>
          </>
        )}
      </form>
    </main>
  );
}

/** Shown in the shell while the signed-in user's address is not confirmed. */
export function VerifyEmailBanner() {
  const request = useMutation(RequestEmailVerification);
  return (
    <Notice kind="warning">
      Your e-mail address is not confirmed yet: open the link we mailed you.{' '}
      {request.data ? (
        <span role="status">A new link is on its way.</span>
      ) : (
        <Button variant="link" busy={request.fetching} onClick={() => void request.run({})}>
          Send the link again
        </Button>
      )}
      <ErrorNotice error={request.error} />
    </Notice>
  );
}
