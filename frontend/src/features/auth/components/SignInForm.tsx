import { TextField } from '../../../components/TextField';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import type { AuthSession } from '../../../lib/auth-storage';
import { useLogin } from '../api/login.api';
import { EMAIL_RE, type FieldErrors } from './validation';

type Field = 'email' | 'password';

export function validateSignIn(values: { email: string; password: string }): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  if (!values.email.trim()) errors.email = 'Enter your email';
  else if (!EMAIL_RE.test(values.email.trim())) errors.email = 'Enter a valid email address';
  if (!values.password) errors.password = 'Enter your password';
  return errors;
}

export function SignInForm({ onSuccess }: { onSuccess: (session: AuthSession) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const mutation = useLogin();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateSignIn({ email, password });
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(`signin-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    mutation.mutate({ email: email.trim(), password }, { onSuccess });
  };

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <TextField
        id="signin-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <TextField
        id="signin-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
      />
      <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      <p className="muted">
        New to CollabPay? <Link to="/sign-up">Create an account</Link>
      </p>
    </form>
  );
}
