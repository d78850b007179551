import type { RealtimeStatus } from '../hooks/use-payment-updates';

const LABEL: Record<RealtimeStatus, string> = {
  offline: 'Offline',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Not authorized for live updates',
};

export function LiveIndicator({ status }: { status: RealtimeStatus }) {
  return (
    <span className={`live live-${status}`} data-testid="live-indicator" data-status={status} title="Live updates">
      <span className="live-dot" aria-hidden="true" />
      <span>{LABEL[status]}</span>
    </span>
  );
}
