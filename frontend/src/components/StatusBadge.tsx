/** Renders a raw status string (e.g. `HELD`) coloured by outcome. */
const TONES: Record<string, 'success' | 'error' | 'warning' | 'info' | 'neutral'> = {
  HELD: 'success',
  RELEASED: 'success',
  PARTIALLY_RELEASED: 'success',
  COMPLETED: 'success',
  ACTIVE: 'success',
  ACCEPTED: 'info',
  PAID: 'success',
  FAILED: 'error',
  DISPUTED: 'error',
  DECLINED: 'error',
  RESTRICTED: 'error',
  CANCELED: 'neutral',
  REFUNDED: 'warning',
  PARTIALLY_REFUNDED: 'warning',
  PENDING: 'info',
  PROCESSING: 'info',
  PROPOSED: 'info',
  IN_TRANSIT: 'info',
  NOT_STARTED: 'neutral',
};

export function statusTone(status: string): 'success' | 'error' | 'warning' | 'info' | 'neutral' {
  return TONES[status.toUpperCase()] ?? 'neutral';
}

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`badge badge-${statusTone(status)}`} data-testid={testId}>
      {status}
    </span>
  );
}
