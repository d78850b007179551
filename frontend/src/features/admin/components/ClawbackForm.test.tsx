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

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('ClawbackForm', () => {
  const route = `POST /api/admin/payments/${PAYMENT_ID}/clawback`;

  it('asks in the accessible dialog, stating the amount and what happens next; Cancel has the focus and sends nothing', async () => {
    const fetchMock = mockFetchRoutes({ [`GET /api/payments/${PAYMENT_ID}`]: { body: payment }, [route]: { body: payment } });
    const user = userEvent.setup();
    renderWithProviders(<ClawbackForm />);
    await user.type(screen.getByLabelText('Payment id'), PAYMENT_ID);
    expect(await screen.findByTestId('clawback-payment-summary')).toHaveTextContent('can claw back $300.00');
    await user.type(screen.getByLabelText('Amount'), '120.50');
    await user.type(screen.getByLabelText('Reason'), 'Chargeback lost');
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
    const answer = deferred<{ body: unknown }>();
    let calls = 0;
    const fetchMock = mockFetchRoutes({ [`GET /api/payments/${PAYMENT_ID}`]: { body: payment } });
    const base = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (url: string, init: RequestInit = {}) => {
      if (`${init.method} ${url}` !== route) return base(url, init);
      calls += 1;
      const { body } = await answer.promise;
      const text = JSON.stringify(body);
      return { ok: true, status: 200, statusText: '', text: async () => text, blob: async () => new Blob([text]) } as unknown as Response;
    });
    const user = userEvent.setup();
    renderWithProviders(<ClawbackForm />);
    await user.type(screen.getByLabelText('Payment id'), PAYMENT_ID);
    await screen.findByTestId('clawback-payment-summary');
    await user.type(screen.getByLabelText('Amount'), '300');
    await user.type(screen.getByLabelText('Reason'), 'Fraud');
    await user.click(screen.getByRole('button', { name: 'Claw back' }));
    const confirm = screen.getByRole('button', { name: 'Claw back $300.00' });
    await user.click(confirm);
    await user.click(confirm);
    await user.click(confirm);
    expect(screen.getByTestId('confirm-action')).toHaveTextContent('Clawing back…');
    expect(calls).toBe(1);
    answer.resolve({ body: { ...payment, amountClawedBack: 40000 } });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(sentBodies(fetchMock, route)).toEqual([{ amount: 30000, reason: 'Fraud' }]);
    const call = (fetchMock.mock.calls as unknown as [string, RequestInit][]).find(([u, i]) => `${i.method} ${u}` === route)!;
    expect((call[1].headers as Record<string, string>)['Idempotency-Key']).toEqual(expect.any(String));
    expect(await screen.findByText('$300.00 refunded to the company.')).toBeInTheDocument();
  });

  it('does not open the dialog for an amount above what can be clawed back', async () => {
    const fetchMock = mockFetchRoutes({ [`GET /api/payments/${PAYMENT_ID}`]: { body: payment } });
    const user = userEvent.setup();
    renderWithProviders(<ClawbackForm />);
    await user.type(screen.getByLabelText('Payment id'), PAYMENT_ID);
    await screen.findByTestId('clawback-payment-summary');
    await user.type(screen.getByLabelText('Amount'), '300.01');
    await user.type(screen.getByLabelText('Reason'), 'Fraud');
    await user.click(screen.getByRole('button', { name: 'Claw back' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Amount')).toHaveFocus();
    expect(sentBodies(fetchMock, route)).toHaveLength(0);
  });
});
