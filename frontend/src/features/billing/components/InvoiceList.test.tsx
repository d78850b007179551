import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderWithProviders } from '../../../test/test-utils';
import type { Invoice } from '../api/types';
import { InvoiceList } from './InvoiceList';

const base: Invoice = {
  id: 'inv-1',
  collaborationId: 'c-1',
  paymentId: 'p-1',
  kind: 'one_time',
  status: 'open',
  amount: 150000,
  currency: 'usd',
  number: 'EMU0001',
  hostedInvoiceUrl: 'http://stripe.test/invoice/tok',
  invoicePdf: 'http://stripe.test/invoice/tok/pdf',
  dueDate: '2026-12-01T00:00:00Z',
  attemptCount: 0,
  createdAt: '2026-11-01T00:00:00Z',
  paidAt: null,
  voidedAt: null,
};

describe('InvoiceList', () => {
  it('shows each invoice with status, amount and links to the hosted page and the PDF', async () => {
    mockFetch({ body: { data: [base, { ...base, id: 'inv-2', number: 'EMU0002', status: 'paid', kind: 'retainer', periodIndex: 1 }], nextCursor: null } });
    renderWithProviders(<InvoiceList canManage />);
    const row = await screen.findByTestId('invoice-inv-1');
    expect(within(row).getByText('$1,500.00')).toBeInTheDocument();
    expect(within(row).getByTestId('invoice-status')).toHaveTextContent('Due');
    expect(within(row).getByTestId('invoice-status')).toHaveAttribute('data-status', 'OPEN');
    expect(within(row).getByRole('link', { name: 'Pay online' })).toHaveAttribute('href', base.hostedInvoiceUrl);
    expect(within(row).getByRole('link', { name: 'PDF' })).toHaveAttribute('href', base.invoicePdf);
    const paid = screen.getByTestId('invoice-inv-2');
    expect(within(paid).getByText(/month 2/)).toBeInTheDocument();
    expect(within(paid).queryByRole('button', { name: 'Void' })).toBeNull();
  });

  it('voids an open invoice after confirmation', async () => {
    const fetchMock = mockFetch(
      { body: { data: [base], nextCursor: null } },
      { body: { ...base, status: 'void' } },
      { body: { data: [{ ...base, status: 'void' }], nextCursor: null } },
    );
    const confirm = jest.spyOn(window, 'confirm');
    renderWithProviders(<InvoiceList canManage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Void' }));
    const dialog = screen.getByRole('dialog', { name: 'Void invoice EMU0001' });
    expect(dialog).toHaveTextContent('$1,500.00');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Void invoice' }));
    await waitFor(() => expect(fetchMock.mock.calls.some((c) => String(c[0]).endsWith('/api/invoices/inv-1/void'))).toBe(true));
    await waitFor(() => expect(screen.getByTestId('invoice-status')).toHaveTextContent('Voided'));
    expect(confirm).not.toHaveBeenCalled();
  });

  it('hides actions from the influencer', async () => {
    mockFetch({ body: { data: [base], nextCursor: null } });
    renderWithProviders(<InvoiceList canManage={false} />);
    await screen.findByTestId('invoice-inv-1');
    expect(screen.queryByRole('button', { name: 'Void' })).toBeNull();
  });
});
