import { Navigate, useLocation, useNavigate } from 'react-router';
import { SignInForm } from '../../features/auth/components/SignInForm';
import { homePathFor, useAuth } from '../../features/auth/hooks/use-auth';

export default function SignInRoute() {
  const { user, signIn } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  if (user) return <Navigate to={from ?? homePathFor(user.role)} replace />;
  return (
    <div className="narrow">
      <SignInForm
        onSuccess={(session) => {
          signIn(session);
          navigate(from ?? homePathFor(session.user.role), { replace: true });
        }}
      />
    </div>
  );
}
