import { FailedWebhookEvents } from '../../features/admin/components/FailedWebhookEvents';
import { LedgerCheckCard } from '../../features/admin/components/LedgerCheckCard';

export default function AdminRoute() {
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Admin</h1>
        <a className="btn btn-secondary" href="/admin/queues">
          Queue dashboard
        </a>
      </header>
      <LedgerCheckCard />
      <FailedWebhookEvents />
    </div>
  );
}
