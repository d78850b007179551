import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { translations } from '@zxcvbn-ts/language-en';

/**
 * The estimator the server uses (zxcvbn-ts), loaded on demand by the sign-up page, with the common-password and
 * keyboard data (~200 kB gzipped) but without the English word lists (~600 kB more): the meter can be a little
 * kinder than the server, whose WEAK_PASSWORD answer (with its advice) decides.
 */
const zxcvbn = new ZxcvbnFactory({
  dictionary: { ...common.dictionary },
  graphs: common.adjacencyGraphs,
  translations,
});

export interface Strength {
  score: number; // 0..4
  warning: string | null;
  suggestions: string[];
}

export function estimate(password: string, userInputs: string[]): Strength {
  const r = zxcvbn.check(
    password.slice(0, 100),
    userInputs.filter((s) => s.length >= 3),
  );
  return { score: r.score, warning: r.feedback.warning ?? null, suggestions: r.feedback.suggestions ?? [] };
}
