/** @module The shell: sign-in gate, role-aware navigation and the routes. */
import { useEffect, useState } from 'preact/hooks';
import type { GraphQLClient } from './api/client.js';
import type { Role, Viewer } from './api/types.js';
import { Loading } from './components/states.js';
import { Link, navigate, useRoute } from './router.js';
import { Approvals } from './screens/approvals.js';
import { Compare } from './screens/compare.js';
import { Evidence } from './screens/evidence.js';
import { Login } from './screens/login.js';
import { Policies } from './screens/policies.js';
import { TaskPage } from './screens/task.js';
import { Tasks } from './screens/tasks.js';
import { forgetKey, hasRole, SessionContext, signIn, storedKey, type Session } from './session.js';
import { TenantContext, TenantPicker, useTenantScope } from './tenant.js';

interface NavItem { href: string; label: string; roles: Role[] }

/** Each entry is shown to the roles the API lets read it, so nobody lands on a screen that can only say FORBIDDEN. */
const NAV: NavItem[] = [
  { href: '/approvals', label: 'Approvals', roles: ['APPROVER', 'INVESTIGATOR', 'ADMIN'] },
  { href: '/tasks', label: 'Tasks', roles: ['AGENT', 'INVESTIGATOR', 'ADMIN'] },
  { href: '/policies', label: 'Policies', roles: ['INVESTIGATOR', 'ADMIN'] },
  { href: '/compare', label: 'Compare', roles: ['INVESTIGATOR', 'ADMIN'] },
  { href: '/evidence', label: 'Evidence', roles: ['INVESTIGATOR', 'ADMIN'] },
];

function Screen({ path }: { path: string }) {
  const task = /^\/tasks\/([^/]+)$/.exec(path);
  if (task?.[1]) return <TaskPage id={decodeURIComponent(task[1])} />;
  switch (path) {
    case '/approvals': return <Approvals />;
    case '/tasks': return <Tasks />;
    case '/policies': return <Policies />;
    case '/compare': return <Compare />;
    case '/evidence': return <Evidence />;
    default: return <div class="notice warn" role="alert">There is no page at <code>{path}</code>. <Link href="/">Go to the start page</Link>.</div>;
  }
}

function Shell({ session }: { session: Session }) {
  const { path } = useRoute();
  const items = NAV.filter((n) => hasRole(session.viewer, ...n.roles));
  useEffect(() => {
    if (path === '/' && items[0]) navigate(items[0].href, true);
  }, [path]);
  const v = session.viewer;
  const scope = useTenantScope(v.tenant, v.platformAdmin);
  return (
    <TenantContext.Provider value={scope}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <span class="brand">Interceptor</span>
        <nav aria-label="main"><ul>{items.map((n) => (
          <li key={n.href}><Link href={n.href} aria-current={path === n.href || path.startsWith(`${n.href}/`) ? 'page' : undefined}>{n.label}</Link></li>
        ))}</ul></nav>
        <div class="who" data-testid="viewer">
          <span>{v.id}</span> <span class="muted">{v.platformAdmin ? 'platform admin' : `tenant ${v.tenant ?? '—'}`} · {v.roles.map((r) => r.toLowerCase()).join(', ')}</span>
          {scope.canPick && <TenantPicker key={scope.tenant ?? ''} />}
          <button type="button" onClick={session.signOut}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {items.length === 0 ? <p class="notice warn" role="alert">Your key has no role this UI can serve ({v.roles.join(', ') || 'none'}).</p> : <Screen key={scope.tenant ?? ''} path={path} />}
      </main>
    </TenantContext.Provider>
  );
}

export function App() {
  const [session, setSession] = useState<{ client: GraphQLClient; viewer: Viewer } | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [expired, setExpired] = useState(false);
  const signOut = () => { forgetKey(); setSession(null); };
  const onUnauthenticated = () => { forgetKey(); setSession(null); setExpired(true); };
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    signIn(key, onUnauthenticated).then(setSession, () => forgetKey()).finally(() => setRestoring(false));
  }, []);
  if (restoring) return <Loading what="your session" />;
  if (!session) return <Login expired={expired} onUnauthenticated={onUnauthenticated} onSignedIn={(s) => { setExpired(false); setSession(s); }} />;
  return <SessionContext.Provider value={{ ...session, signOut }}><Shell session={{ ...session, signOut }} /></SessionContext.Provider>;
}
