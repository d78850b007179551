import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

/** Longest password accepted (characters); it is pre-hashed, so bcrypt's 72-byte limit does not apply. */
export const PASSWORD_MAX_LENGTH = 128;

export interface PasswordVerdict {
  ok: boolean;
  /** zxcvbn-ts score: 0 (too guessable) .. 4 (very unguessable). */
  score: number;
  /** For people: why it is weak and what to do. */
  warning: string | null;
  suggestions: string[];
}

const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...en.dictionary },
  graphs: common.adjacencyGraphs,
  translations: en.translations,
});

/**
 * The password policy: a real strength estimate (zxcvbn-ts, with the English and common dictionaries, keyboard
 * patterns, repeats, sequences, dates, and the person's own email and name) must reach `minScore`. Length alone
 * proves nothing: `password`, `12345678` and eight spaces are all eight characters and all score 0.
 */
export function judgePassword(password: string, minScore: number, userInputs: string[] = []): PasswordVerdict {
  // the estimate looks at the first 100 characters (its own cap, to stay fast); the rest only adds strength
  const r = zxcvbn.check(password.slice(0, 100), userInputs.filter(Boolean));
  return {
    ok: r.score >= minScore,
    score: r.score,
    warning: r.feedback.warning ?? (r.score < minScore ? 'This password is easy to guess.' : null),
    suggestions: r.feedback.suggestions ?? [],
  };
}
