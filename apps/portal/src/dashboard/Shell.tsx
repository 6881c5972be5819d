import { useState, type ReactNode } from 'react';
import { LogOut, ViewerQuery } from '../api';
import { Button, ErrorNotice, Loading } from '../components/ui';
import { useMutation, useQuery } from '../lib/hooks';
import { Link, useLocation } from '../lib/router';
import { VerifyEmailBanner } from './EmailLinks';
import { ViewerContext } from './viewer';

const NAV = [
  ['/', 'Overview'],
  ['/apps', 'Applications'],
  ['/event-types', 'Event types'],
  ['/members', 'Members'],
  ['/api-keys', 'API keys'],
  ['/billing', 'Billing'],
  ['/settings', 'Settings'],
] as const;

function isActive(path: string, pathname: string): boolean {
  return path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`);
}

/** The signed-in frame: navigation, the tenant's name, log out. */
export function Shell({ onLogOut, children }: { onLogOut(): void; children: ReactNode }) {
  const { pathname } = useLocation();
  const viewer = useQuery(ViewerQuery, {});
  const logOut = useMutation(LogOut);
  const [menuOpen, setMenuOpen] = useState(false);
  if (viewer.error && !viewer.data)
    return (
      <main className="auth">
        <ErrorNotice error={viewer.error} title="Could not load your account" />
        <Button onClick={onLogOut}>Log in again</Button>
      </main>
    );
  if (!viewer.data) return <Loading what="your account" />;
  const v = viewer.data.viewer;
  return (
    <ViewerContext.Provider value={v}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <header className="topbar">
          <Link to="/" className="brand">
            Herald
          </Link>
          <span className="tenant-name" data-testid="tenant-name">
            {v.tenant.name}
          </span>
          <button
            type="button"
            className="btn btn-secondary menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            Menu
          </button>
        </header>
        <nav id="main-nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Main">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}>
                <Link
                  to={path}
                  aria-current={isActive(path, pathname) ? 'page' : undefined}
                  onClick={() => setMenuOpen(false)}
                >
                  {label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="who">
            <span>{v.user?.email}</span>
            <span className="hint">{v.role}</span>
            <Button
              variant="link"
              busy={logOut.fetching}
              onClick={async () => {
                await logOut.run({});
                onLogOut();
              }}
            >
              Log out
            </Button>
          </div>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {v.user && !v.user.emailVerified && <VerifyEmailBanner />}
          {children}
        </main>
      </div>
    </ViewerContext.Provider>
  );
}
