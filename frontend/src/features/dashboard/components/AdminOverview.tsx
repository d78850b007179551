import { ledgerIsHealthy, useLedgerCheck } from '../../admin/api/get-ledger-check.api';
import { useWebhookEvents } from '../../admin/api/get-webhook-events.api';
import { useOpenDisputeCount } from '../api/get-open-disputes.api';
import { KeyFigure, KeyFigures } from './KeyFigure';

/** The admin's overview: open disputes, failed webhooks, and whether the ledger balances. */
export function AdminOverview() {
  const disputes = useOpenDisputeCount();
  const failed = useWebhookEvents('failed');
  const ledger = useLedgerCheck();
  const healthy = ledger.data ? ledgerIsHealthy(ledger.data) : undefined;
  return (
    <KeyFigures label="Key figures">
      <KeyFigure
        label="Open disputes"
        value={disputes.isPending ? '…' : disputes.data === null || disputes.isError ? '—' : disputes.data}
        hint={disputes.data === null ? 'Mediation is not enabled on this server' : 'Waiting for a decision'}
        testId="figure-disputes"
      />
      <KeyFigure
        label="Failed webhooks"
        value={failed.isPending ? '…' : failed.isError ? '—' : failed.data.length}
        hint="Stripe events that need a replay"
        to="/admin"
        testId="figure-webhooks"
      />
      <KeyFigure
        label="Ledger check"
        value={ledger.isPending ? '…' : healthy === false ? 'Problems found' : healthy ? 'Balanced' : '—'}
        hint={healthy === false ? 'See the details on the admin page' : 'Every journal entry sums to zero'}
        to="/admin"
        testId="figure-ledger"
      />
    </KeyFigures>
  );
}
