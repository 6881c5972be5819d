import {
  useId,
  useState,
  type ButtonHTMLAttributes,
  type ReactElement,
  type ReactNode,
} from 'react';
import { describeError } from '../lib/client';
import { formatTime } from '../lib/format';
import type { CursorPages } from '../lib/hooks';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  busy?: boolean;
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
};

/** A button that shows progress and cannot be pressed twice while its action runs. */
export function Button({ busy, variant = 'secondary', children, className, ...rest }: ButtonProps) {
  return (
    <button
      type="button"
      {...rest}
      className={`btn btn-${variant}${className ? ` ${className}` : ''}`}
      disabled={rest.disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      {children}
    </button>
  );
}

export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      {title && <strong>{title}: </strong>}
      {describeError(error)}
    </div>
  );
}

export function Notice({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'success' | 'warning';
  children: ReactNode;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'success' ? 'status' : undefined}>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading">
      <Spinner label={`Loading ${what}`} /> Loading {what}…
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children}
    </div>
  );
}

/** A labelled form control with an optional hint and error, wired with aria attributes. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  children: (props: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
  }) => ReactElement;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-describedby': describedBy || undefined,
        'aria-invalid': error ? true : undefined,
      })}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      )}
    </div>
  );
}

export function PageHeader({ title, actions }: { title: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  );
}

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? (
    <time dateTime={iso} title={iso}>
      {formatTime(iso)}
    </time>
  ) : (
    <>—</>
  );
}

const STATUS_CLASS: Record<string, string> = {
  SUCCEEDED: 'ok',
  FAILED: 'bad',
  EXHAUSTED: 'bad',
  PENDING: 'wait',
  CANCELLED: 'muted',
  DISABLED: 'muted',
  ENABLED: 'ok',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${STATUS_CLASS[status] ?? 'muted'}`}>{status}</span>;
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="link"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** Previous / next over a cursor connection. */
export function Pager({
  pages,
  pageInfo,
  fetching,
  label = 'Pages',
}: {
  pages: CursorPages;
  pageInfo: { endCursor?: string | null; hasNextPage: boolean } | undefined;
  fetching?: boolean;
  label?: string;
}) {
  if (pages.page === 1 && !pageInfo?.hasNextPage) return null;
  return (
    <nav className="pager" aria-label={label}>
      <Button onClick={pages.previous} disabled={pages.page === 1 || fetching}>
        ← Previous
      </Button>
      <span aria-live="polite">Page {pages.page}</span>
      <Button
        onClick={() => pages.next(pageInfo?.endCursor)}
        disabled={!pageInfo?.hasNextPage || fetching}
      >
        Next →
      </Button>
    </nav>
  );
}

/** A tiny key/value definition list. */
export function Details({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="details">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
