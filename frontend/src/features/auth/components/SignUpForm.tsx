import { TextField } from '../../../components/TextField';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import type { AuthSession } from '../../../lib/auth-storage';
import { useRegister, type RegisterInput } from '../api/register.api';
import { MIN_SCORE, STRENGTH_LABELS, usePasswordStrength } from '../hooks/use-password-strength';
import { EMAIL_RE, type FieldErrors } from './validation';

type Field = 'name' | 'handle' | 'email' | 'password' | 'role';

export const HANDLE_RE = /^[a-z0-9_.]{3,30}$/;

export function validateSignUp(values: { name: string; email: string; password: string; role: string; handle?: string }): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  const handle = (values.handle ?? '').trim().replace(/^@/, '');
  if (values.role === 'influencer' && handle && !HANDLE_RE.test(handle)) errors.handle = '3 to 30 lowercase letters, digits, dots or underscores';
  if (!values.name.trim()) errors.name = 'Enter your name';
  if (!values.email.trim()) errors.email = 'Enter your email';
  else if (!EMAIL_RE.test(values.email.trim())) errors.email = 'Enter a valid email address';
  if (values.password.length < 8) errors.password = 'Password must be at least 8 characters';
  if (values.role !== 'company' && values.role !== 'influencer') errors.role = 'Choose an account type';
  return errors;
}

export function SignUpForm({ onSuccess }: { onSuccess: (session: AuthSession) => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [handle, setHandle] = useState('');
  const [role, setRole] = useState<'' | RegisterInput['role']>('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const mutation = useRegister();
  const strength = usePasswordStrength(password, [name, email, email.split('@')[0]]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateSignUp({ name, email, password, role, handle });
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      document.getElementById(first === 'role' ? 'signup-role-company' : `signup-${first}`)?.focus();
      return;
    }
    const h = handle.trim().replace(/^@/, '');
    mutation.mutate(
      { name: name.trim(), email: email.trim(), password, role: role as RegisterInput['role'], ...(role === 'influencer' && h ? { handle: h } : {}) },
      { onSuccess },
    );
  };

  return (
    <form className="card form" onSubmit={submit} noValidate aria-labelledby="signup-title">
      <h1 id="signup-title">Create your account</h1>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <fieldset className="field" aria-describedby={errors.role ? 'signup-role-error' : undefined}>
        <legend>I am a</legend>
        <div className="radio-row">
          <label>
            <input id="signup-role-company" type="radio" name="role" value="company" checked={role === 'company'} onChange={() => setRole('company')} />
            Company (brand)
          </label>
          <label>
            <input type="radio" name="role" value="influencer" checked={role === 'influencer'} onChange={() => setRole('influencer')} />
            Influencer
          </label>
        </div>
        {errors.role && (
          <p id="signup-role-error" className="field-error">
            {errors.role}
          </p>
        )}
      </fieldset>
      <TextField id="signup-name" label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.name} />
      {role === 'influencer' && (
        <TextField
          id="signup-handle"
          label="Handle (optional)"
          autoComplete="username"
          spellCheck={false}
          autoCapitalize="none"
          value={handle}
          onChange={(e) => setHandle(e.target.value.toLowerCase())}
          error={errors.handle}
          hint="How companies find you, e.g. jenny.makes"
        />
      )}
      <TextField
        id="signup-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <TextField
        id="signup-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
        hint={
          strength ? (
            <span data-score={strength.score}>
              Strength: <strong>{STRENGTH_LABELS[strength.score]}</strong>
              {strength.score < MIN_SCORE ? ' (too easy to guess)' : ''}. {[strength.warning, ...strength.suggestions].filter(Boolean).join(' ')}
            </span>
          ) : (
            'At least 8 characters, hard to guess: a few uncommon words work well.'
          )
        }
      />
      <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Creating account…' : 'Create account'}
      </button>
      <p className="muted">
        Already have an account? <Link to="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
