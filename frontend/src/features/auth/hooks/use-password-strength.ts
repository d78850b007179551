import { useEffect, useState } from 'react';
import type { Strength } from '../lib/password-strength';

/** The server refuses passwords below this zxcvbn score (PASSWORD_MIN_SCORE, default 3). */
export const MIN_SCORE = 3;
export const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

/**
 * The password's strength as the server will judge it, computed in the browser as the person types. The
 * estimator and its dictionaries are a separate chunk, fetched the first time a password is typed.
 */
export function usePasswordStrength(password: string, userInputs: string[]): Strength | null {
  const [strength, setStrength] = useState<Strength | null>(null);
  const inputs = userInputs.join('\n');
  useEffect(() => {
    if (!password) {
      setStrength(null);
      return;
    }
    let live = true;
    import('../lib/password-strength')
      .then(({ estimate }) => {
        if (live) setStrength(estimate(password, inputs.split('\n')));
      })
      .catch(() => live && setStrength(null)); // no meter is better than a wrong one: the server still decides
    return () => {
      live = false;
    };
  }, [password, inputs]);
  return strength;
}
