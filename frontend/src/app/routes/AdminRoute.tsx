import { AuditLogList } from '../../features/admin/components/AuditLogList';
import { ClawbackForm } from '../../features/admin/components/ClawbackForm';
import { FailedWebhookEvents } from '../../features/admin/components/FailedWebhookEvents';
import { LedgerCheckCard } from '../../features/admin/components/LedgerCheckCard';
import { AdminDisputeQueue } from '../../features/disputes/components/AdminDisputeQueue';

export default function AdminRoute() {
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Admin</h1>
        <a className="btn btn-secondary" href="/admin/queues">
          Queue dashboard
        </a>
      </header>
      <AdminDisputeQueue />
      <LedgerCheckCard />
      <FailedWebhookEvents />
      <ClawbackForm />
      <AuditLogList />
    </div>
  );
}
