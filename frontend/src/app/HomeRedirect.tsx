import { Navigate } from 'react-router';
import { homePathFor, useAuth } from '../features/auth/hooks/use-auth';

export function HomeRedirect() {
  const { user } = useAuth();
  return <Navigate to={user ? homePathFor(user.role) : '/sign-in'} replace />;
}
