import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { formatDate } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { useInvoices } from '../api/get-invoices.api';
import { useSendInvoice, useVoidInvoice } from '../api/invoice-actions.api';
import type { Invoice } from '../api/types';

/** Invoices (pay-by-invoice and retainer months) with status, links to the hosted page and PDF, send and void. */
export function InvoiceList({ canManage, collaborationId }: { canManage: boolean; collaborationId?: string }) {
  const [cursor, setCursor] = useState<string | undefined>();
  const invoices = useInvoices({ cursor, collaborationId });
  const voidInvoice = useVoidInvoice();
  const sendInvoice = useSendInvoice();
  const toast = useToast();
  const [voiding, setVoiding] = useState<Invoice | null>(null);

  const send = (inv: Invoice) =>
    sendInvoice.mutate(inv.id, {
      onSuccess: () => toast.push({ tone: 'info', title: 'Invoice sent', message: inv.number ?? '' }),
      onError: (e) => toast.push({ tone: 'error', title: 'Could not send the invoice', message: errorMessage(e) }),
    });

  return (
    <section className="card" aria-labelledby="invoices-title">
      <h2 id="invoices-title">Invoices</h2>
      {invoices.isPending ? (
        <Spinner label="Loading invoices…" />
      ) : invoices.isError ? (
        <ErrorMessage error={invoices.error} onRetry={() => invoices.refetch()} />
      ) : invoices.data.data.length === 0 ? (
        <EmptyState>No invoices yet. Choose “Pay by invoice” on an accepted collaboration.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table cards" data-testid="invoice-table">
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Collaboration</th>
                <th scope="col">Amount</th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
                <th scope="col">Links</th>
                {canManage && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {invoices.data.data.map((inv) => (
                <tr key={inv.id} data-testid={`invoice-${inv.id}`}>
                  <td data-label="Invoice">
                    {inv.number ?? '—'}
                    {inv.kind === 'retainer' && <span className="muted"> · month {(inv.periodIndex ?? 0) + 1}</span>}
                  </td>
                  <td data-label="Collaboration">
                    <Link to={`/collaborations/${inv.collaborationId}`}>
                      View<span className="sr-only"> collaboration of invoice {inv.number ?? ''}</span>
                    </Link>
                  </td>
                  <td data-label="Amount">{formatMoney(inv)}</td>
                  <td data-label="Status">
                    <StatusBadge kind="invoice" status={inv.status} testId="invoice-status" />
                    {inv.lastError && inv.status === 'open' && <div className="muted small">Last attempt: {inv.lastError}</div>}
                  </td>
                  <td data-label="Due">{formatDate(inv.dueDate)}</td>
                  <td data-label="Links">
                    {inv.hostedInvoiceUrl && (
                      <a href={inv.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                        {inv.status === 'open' ? 'Pay online' : 'View'}
                      </a>
                    )}
                    {inv.invoicePdf && (
                      <>
                        {' · '}
                        <a href={inv.invoicePdf} target="_blank" rel="noreferrer">
                          PDF
                        </a>
                      </>
                    )}
                  </td>
                  {canManage && (
                    <td data-label="Actions">
                      {inv.kind === 'one_time' && inv.status === 'open' && (
                        <div className="row">
                          <button type="button" className="btn btn-small btn-secondary" onClick={() => send(inv)} disabled={sendInvoice.isPending}>
                            Send
                          </button>
                          <button type="button" className="btn btn-small btn-danger" onClick={() => setVoiding(inv)}>
                            Void
                          </button>
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {voiding && (
        <ConfirmDialog
          title={`Void invoice ${voiding.number ?? ''}`.trim()}
          destructive
          confirmLabel="Void invoice"
          pendingLabel="Voiding…"
          onClose={() => setVoiding(null)}
          onConfirm={async () => {
            await voidInvoice.mutateAsync(voiding.id);
            toast.push({ tone: 'info', title: 'Invoice voided', message: voiding.number ?? '' });
          }}
        >
          <p>
            The invoice for {formatMoney(voiding)} can no longer be paid and nothing is charged. The collaboration goes back to awaiting payment: you can then
            pay it by card or issue a new invoice.
          </p>
        </ConfirmDialog>
      )}
      {invoices.data?.nextCursor && (
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setCursor(invoices.data!.nextCursor ?? undefined)}>
          Older invoices
        </button>
      )}
    </section>
  );
}
