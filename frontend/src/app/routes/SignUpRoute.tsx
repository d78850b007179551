import { Navigate, useNavigate } from 'react-router';
import { SignUpForm } from '../../features/auth/components/SignUpForm';
import { homePathFor, useAuth } from '../../features/auth/hooks/use-auth';

export default function SignUpRoute() {
  const { user, signIn } = useAuth();
  const navigate = useNavigate();
  if (user) return <Navigate to={homePathFor(user.role)} replace />;
  return (
    <div className="narrow">
      <SignUpForm
        onSuccess={(session) => {
          signIn(session);
          navigate(homePathFor(session.user.role), { replace: true });
        }}
      />
    </div>
  );
}
