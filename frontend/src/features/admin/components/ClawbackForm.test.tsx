import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetchRoutes, renderWithProviders, sentBodies } from '../../../test/test-utils';
import { ClawbackForm, clawbackable, validateClawback } from './ClawbackForm';

describe('validateClawback', () => {
  it('takes at most what was released and not yet clawed back', () => {
    const max = clawbackable({ amountReleased: 40000, amountClawedBack: 10000 });
    expect(max).toBe(30000);
    expect(validateClawback({ amount: '300.00', reason: 'Chargeback lost' }, max, 'usd').value).toEqual({ amount: 30000, reason: 'Chargeback lost' });
    expect(validateClawback({ amount: '300.01', reason: 'x' }, max, 'usd').errors.amount).toBe('At most $300.00 (released and not yet clawed back)');
    expect(validateClawback({ amount: '0', reason: 'x' }, max, 'usd').errors.amount).toBe('Must be greater than zero');
    expect(validateClawback({ amount: '10', reason: ' ' }, max, 'usd').errors.reason).toMatch(/Give a reason/);
  });
});

const PAYMENT_ID = '5f0c7e1a-1b2c-4d3e-8f40-0123456789ab';
const payment = {
  id: PAYMENT_ID,
  status: 'SUCCEEDED',
  amount: 50000,
  currency: 'usd',
  amountReleased: 40000,
  amountClawedBack: 10000,
};

/** Fills the form by pasting (typing a UUID key by key is slow on a busy machine) and waits for the payment. */
async function fill(user: ReturnType<typeof userEvent.setup>, amount: string, reason: string) {
  await user.click(screen.getByLabelText('Payment id'));
  await user.paste(PAYMENT_ID);
  const summary = await screen.findByTestId('clawback-payment-summary', {}, { timeout: 10_000 });
  await user.click(screen.getByLabelText('Amount'));
  await user.paste(amount);
  await user.click(screen.getByLabelText('Reason'));
  await user.paste(reason);
  return summary;
}

describe('ClawbackForm', () => {
  jest.setTimeout(30_000);
  const route = `POST /api/admin/payments/${PAYMENT_ID}/clawback`;

  it('asks in the accessible dialog, stating the amount and what happens next; Cancel has the focus and sends nothing', async () => {
    const fetchMock = mockFetchRoutes({ [`GET /api/payments/${PAYMENT_ID}`]: { body: payment }, [route]: { body: payment } });
    const user = userEvent.setup();
    renderWithProviders(<ClawbackForm />);
    expect(await fill(user, '120.50', 'Chargeback lost')).toHaveTextContent('can claw back $300.00');
    await user.click(screen.getByRole('button', { name: 'Claw back' }));

    const dialog = screen.getByRole('dialog', { name: 'Claw back payment' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleDescription(/\$120\.50 is refunded to the company's card and recovered from the influencer/);
    expect(dialog).toHaveTextContent('This cannot be undone');
    // the destructive button never has the initial focus: a stray Enter cancels
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(screen.getByRole('button', { name: 'Claw back $120.50' })).toHaveClass('btn-danger');
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(sentBodies(fetchMock, route)).toHaveLength(0);
  });

  it('claws back exactly once however fast the confirm button is clicked, with an Idempotency-Key', async () => {
    const fetchMock = mockFetchRoutes({ [`GET /api/payments/${PAYMENT_ID}`]: { body: payment }, [route]: { body: { ...payment, amountClawedBack: 40000 } } });
    // the clawback answers only when the test says so: the clicks land while it is in flight
    const answer = fetchMock.getMockImplementation()!;
    let respond!: () => void;
    const gate = new Promise<void>((r) => (respond = r));
    fetchMock.mockImplementation(async (url: string, init: RequestInit = {}) => {
      if (`${init.method} ${url}` === route) await gate;
      return answer(url, init);
    });
    const user = userEvent.setup();
    renderWithProviders(<ClawbackForm />);
    await fill(user, '300', 'Fraud');
    await user.click(screen.getByRole('button', { name: 'Claw back' }));
    const confirm = screen.getByRole('button', { name: 'Claw back $300.00' });
    await user.click(confirm);
    await user.click(confirm);
    await user.click(confirm);
    expect(screen.getByTestId('confirm-action')).toHaveTextContent('Clawing back…');
    expect(sentBodies(fetchMock, route)).toHaveLength(1);
    respond();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument(), { timeout: 10_000 });
    expect(sentBodies(fetchMock, route)).toEqual([{ amount: 30000, reason: 'Fraud' }]);
    const call = (fetchMock.mock.calls as unknown as [string, RequestInit][]).find(([u, i]) => `${i.method} ${u}` === route)!;
    expect((call[1].headers as Record<string, string>)['Idempotency-Key']).toEqual(expect.any(String));
    expect(await screen.findByText('$300.00 refunded to the company.', {}, { timeout: 10_000 })).toBeInTheDocument();
  });

  it('does not open the dialog for an amount above what can be clawed back', async () => {
    const fetchMock = mockFetchRoutes({ [`GET /api/payments/${PAYMENT_ID}`]: { body: payment } });
    const user = userEvent.setup();
    renderWithProviders(<ClawbackForm />);
    await fill(user, '300.01', 'Fraud');
    await user.click(screen.getByRole('button', { name: 'Claw back' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Amount')).toHaveFocus();
    expect(sentBodies(fetchMock, route)).toHaveLength(0);
  });
});
