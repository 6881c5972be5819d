import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

/*
 * A small history router: the app has a few dozen routes and needs nothing of a full router
 * beyond matching paths, links and navigation.
 */
interface Location {
  pathname: string;
  search: string;
  hash: string;
}

interface RouterValue {
  location: Location;
  navigate(to: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<RouterValue | null>(null);
const ParamsContext = createContext<Record<string, string>>({});

function current(): Location {
  const { pathname, search, hash } = window.location;
  return { pathname, search, hash };
}

export function Router({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, options: { replace?: boolean } = {}) => {
    if (options.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLocation(current());
    window.scrollTo?.(0, 0);
  }, []);
  const value = useMemo(() => ({ location, navigate }), [location, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

function useRouter(): RouterValue {
  const router = useContext(RouterContext);
  if (!router) throw new Error('Router missing');
  return router;
}

export const useLocation = () => useRouter().location;
export const useNavigate = () => useRouter().navigate;
export const useParams = () => useContext(ParamsContext);

export function useSearchParam(name: string): [string, (value: string) => void] {
  const { location, navigate } = useRouter();
  const value = new URLSearchParams(location.search).get(name) ?? '';
  const set = (next: string) => {
    const params = new URLSearchParams(location.search);
    if (next) params.set(name, next);
    else params.delete(name);
    const query = params.toString();
    navigate(`${location.pathname}${query ? `?${query}` : ''}`, { replace: true });
  };
  return [value, set];
}

/** Matches `/apps/:appId/endpoints/:id` against a path; a trailing `/*` matches any rest. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const wildcard = pattern.endsWith('/*');
  const parts = (wildcard ? pattern.slice(0, -2) : pattern).split('/').filter(Boolean);
  const segments = pathname.split('/').filter(Boolean);
  if (wildcard ? segments.length < parts.length : segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = decodeURIComponent(segments[i]!);
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return params;
}

export interface Route {
  path: string;
  element: ReactNode;
}

/** Renders the first route that matches, with its params available to useParams(). */
export function Routes({ routes, fallback }: { routes: Route[]; fallback: ReactNode }) {
  const { pathname } = useLocation();
  const parent = useParams();
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params)
      return (
        <ParamsContext.Provider value={{ ...parent, ...params }}>
          {route.element}
        </ParamsContext.Provider>
      );
  }
  return <>{fallback}</>;
}

export function Link({
  to,
  children,
  ...rest
}: { to: string } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  const navigate = useNavigate();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    rest.onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      rest.target
    )
      return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a {...rest} href={to} onClick={onClick}>
      {children}
    </a>
  );
}

export function Redirect({ to }: { to: string }) {
  const navigate = useNavigate();
  useEffect(() => navigate(to, { replace: true }), [navigate, to]);
  return null;
}
