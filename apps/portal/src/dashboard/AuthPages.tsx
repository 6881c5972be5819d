import { useState, type FormEvent } from 'react';
import { LogIn, SignUp } from '../api';
import { Button, ErrorNotice, Field } from '../components/ui';
import { useMutation } from '../lib/hooks';
import { Link } from '../lib/router';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateSignUp(v: { email: string; password: string; tenantName: string }) {
  const errors: Record<string, string> = {};
  if (!v.tenantName.trim()) errors.tenantName = 'Name your organisation';
  if (!EMAIL.test(v.email.trim())) errors.email = 'Enter a valid email address';
  if (v.password.length < 10) errors.password = 'Use at least 10 characters';
  return errors;
}

export function SignUpPage({ onSession }: { onSession(token: string): void }) {
  const [values, setValues] = useState({ tenantName: '', email: '', password: '' });
  const [submitted, setSubmitted] = useState(false);
  const signUp = useMutation(SignUp);
  const errors = validateSignUp(values);
  const err = (k: string) => (submitted ? errors[k] : undefined);
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(errors).length) return;
    const data = await signUp.run({
      ...values,
      email: values.email.trim(),
      tenantName: values.tenantName.trim(),
    });
    if (data) onSession(data.signUp.token);
  };
  return (
    <main className="auth">
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="signup-title">
        <h1 id="signup-title">Create your Herald account</h1>
        <Field label="Organisation name" error={err('tenantName')}>
          {(p) => (
            <input
              {...p}
              autoComplete="organization"
              value={values.tenantName}
              onChange={set('tenantName')}
            />
          )}
        </Field>
        <Field label="Email" error={err('email')}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="email"
              value={values.email}
              onChange={set('email')}
            />
          )}
        </Field>
        <Field label="Password" error={err('password')} hint="At least 10 characters.">
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              value={values.password}
              onChange={set('password')}
            />
          )}
        </Field>
        <ErrorNotice error={signUp.error} title="Sign-up failed" />
        <Button type="submit" variant="primary" busy={signUp.fetching}>
          Create account
        </Button>
        <p>
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </form>
    </main>
  );
}

export function LogInPage({ onSession }: { onSession(token: string): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const logIn = useMutation(LogIn);
  const emailError =
    submitted && !EMAIL.test(email.trim()) ? 'Enter your email address' : undefined;
  const passwordError = submitted && !password ? 'Enter your password' : undefined;
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!EMAIL.test(email.trim()) || !password) return;
    const data = await logIn.run({ email: email.trim(), password });
    if (data) onSession(data.logIn.token);
  };
  return (
    <main className="auth">
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">Log in to Herald</h1>
        <Field label="Email" error={emailError}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={passwordError}>
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
        <ErrorNotice error={logIn.error} title="Log-in failed" />
        <Button type="submit" variant="primary" busy={logIn.fetching}>
          Log in
        </Button>
        <p>
          New to Herald? <Link to="/signup">Create an account</Link>
        </p>
      </form>
    </main>
  );
}
