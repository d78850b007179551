import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import type { Role } from '../lib/auth-storage';
import { homePathFor, useAuth } from '../features/auth/hooks/use-auth';

export function RequireAuth({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  if (roles && !roles.includes(user.role)) {
    return (
      <div className="card">
        <h1>Not available</h1>
        <p>This page is not available for {user.role} accounts.</p>
        <Link to={homePathFor(user.role)}>Go to your home page</Link>
      </div>
    );
  }
  return <>{children}</>;
}
