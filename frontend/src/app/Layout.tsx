import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Spinner } from '../components/QueryState';
import type { Role } from '../lib/auth-storage';
import { useAuth } from '../features/auth/hooks/use-auth';
import { LiveIndicator } from '../features/realtime/components/LiveIndicator';
import { NotificationsToggle } from '../features/realtime/components/NotificationsToggle';
import { usePaymentUpdates } from '../features/realtime/hooks/use-payment-updates';

const NAV: Record<Role, { to: string; label: string }[]> = {
  company: [
    { to: '/collaborations', label: 'Collaborations' },
    { to: '/collaborations/new', label: 'New proposal' },
    { to: '/payments', label: 'Payments' },
    { to: '/billing', label: 'Billing' },
  ],
  influencer: [
    { to: '/dashboard', label: 'Dashboard' },
    { to: '/collaborations', label: 'Collaborations' },
    { to: '/wallet', label: 'Wallet' },
    { to: '/payments', label: 'Payments' },
  ],
  admin: [
    { to: '/admin', label: 'Admin' },
    { to: '/payments', label: 'Payments' },
  ],
};

export function Layout() {
  const { user, token, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const live = usePaymentUpdates(token, user?.id ?? null);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // Move focus to the new page on navigation so screen readers announce it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.pathname]);

  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          CollabPay
        </NavLink>
        {user && (
          <nav aria-label="Main" className="nav">
            {NAV[user.role].map((item) => (
              <NavLink key={item.to} to={item.to} end>
                {item.label}
              </NavLink>
            ))}
          </nav>
        )}
        <div className="topbar-side">
          {user ? (
            <>
              <LiveIndicator status={live} />
              <NotificationsToggle />
              <span className="user-name" data-testid="current-user" data-role={user.role}>
                {user.name} <span className="muted">({user.role})</span>
              </span>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                onClick={() => {
                  signOut();
                  navigate('/sign-in', { replace: true });
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <nav aria-label="Account" className="nav">
              <NavLink to="/sign-in">Sign in</NavLink>
              <NavLink to="/sign-up">Sign up</NavLink>
            </nav>
          )}
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
