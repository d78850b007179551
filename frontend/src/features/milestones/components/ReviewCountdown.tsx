import { useEffect, useState } from 'react';
import { formatDateTime } from '../../../lib/format';
import { timeLeft } from './milestone-words';

/** Time left for the company's review of a submission; then it is released automatically. Ticks every 30 s. */
export function ReviewCountdown({ dueAt, viewer, testId }: { dueAt: string; viewer: 'company' | 'influencer' | 'other'; testId?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  const left = timeLeft(dueAt, now);
  return (
    <p className="countdown" data-testid={testId}>
      {left ? (
        <>
          <strong>{left}</strong> left to review{viewer === 'company' ? '' : ' (the company)'}: released automatically on{' '}
          <time dateTime={dueAt}>{formatDateTime(dueAt)}</time> unless{' '}
          {viewer === 'company' ? 'you approve or ask for changes' : 'it is approved or changes are asked for'}.
        </>
      ) : (
        <>Review period over: it will be released automatically shortly.</>
      )}
    </p>
  );
}
