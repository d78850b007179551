import { Suspense, useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Spinner } from '../components/QueryState';
import type { Role } from '../lib/auth-storage';
import { useAuth } from '../features/auth/hooks/use-auth';
import { LiveIndicator } from '../features/realtime/components/LiveIndicator';
import { NotificationsToggle } from '../features/realtime/components/NotificationsToggle';
import { usePaymentUpdates } from '../features/realtime/hooks/use-payment-updates';

const NAV: Record<Role, { to: string; label: string }[]> = {
  company: [
    { to: '/dashboard', label: 'Overview' },
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
    { to: '/dashboard', label: 'Overview' },
    { to: '/admin', label: 'Admin' },
    { to: '/payments', label: 'Payments' },
  ],
};

const ROLE_NAMES: Record<Role, string> = { company: 'Brand', influencer: 'Influencer', admin: 'Admin' };

/**
 * The frame of every screen. On a phone the header is one row — brand, live dot, a Menu button — and the menu
 * (navigation and account) opens below it; from 760 px it is all laid out in the bar.
 */
export function Layout() {
  const { user, token, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const live = usePaymentUpdates(token, user?.id ?? null);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const [menuOpen, setMenuOpen] = useState(false);

  // Move focus to the new page on navigation so screen readers announce it; close the phone menu.
  useEffect(() => {
    setMenuOpen(false);
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
      <header className={menuOpen ? 'topbar menu-open' : 'topbar'}>
        <div className="topbar-row">
          <NavLink to="/" className="brand">
            CollabPay
          </NavLink>
          {user && <LiveIndicator status={live} />}
          {user && (
            <span className="user-name" data-testid="current-user" data-role={user.role}>
              {user.name} <span className="muted">({ROLE_NAMES[user.role]})</span>
            </span>
          )}
          {user && (
            <button
              type="button"
              className="btn btn-secondary btn-small menu-button"
              aria-expanded={menuOpen}
              aria-controls="site-menu"
              onClick={() => setMenuOpen((o) => !o)}
            >
              {menuOpen ? 'Close' : 'Menu'}
            </button>
          )}
        </div>
        {user ? (
          <div id="site-menu" className="topbar-menu">
            <nav aria-label="Main" className="nav">
              {NAV[user.role].map((item) => (
                <NavLink key={item.to} to={item.to} end>
                  {item.label}
                </NavLink>
              ))}
            </nav>
            <div className="topbar-side">
              <NotificationsToggle />
              <NavLink to="/settings/notifications" className="settings-link">
                Email settings
              </NavLink>
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
            </div>
          </div>
        ) : (
          <nav aria-label="Account" className="nav nav-account">
            <NavLink to="/sign-in">Sign in</NavLink>
            <NavLink to="/sign-up">Sign up</NavLink>
          </nav>
        )}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        <Suspense fallback={<Spinner />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
