import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lastFetchBody, mockFetch, renderWithProviders } from '../../../test/test-utils';
import type { WalletBalance } from '../../../types/api';
import { PayoutModal, validatePayout } from './PayoutModal';

const balances: WalletBalance[] = [
  { currency: 'usd', available: 123456, pending: 0, totalEarned: 123456, totalWithdrawn: 0, availableForPayout: 123456, nextAvailableOn: null },
  { currency: 'jpy', available: 5000, pending: 0, totalEarned: 5000, totalWithdrawn: 0, availableForPayout: 5000, nextAvailableOn: null },
];

function setup(onClose = jest.fn(), onRequested = jest.fn()) {
  const user = userEvent.setup();
  renderWithProviders(<PayoutModal balances={balances} onClose={onClose} onRequested={onRequested} />);
  return { user, onClose, onRequested };
}

describe('PayoutModal', () => {
  it('is an accessible dialog that focuses the amount and closes on Escape', async () => {
    mockFetch({ body: {} });
    const { user, onClose } = setup();
    expect(screen.getByRole('dialog', { name: 'Request payout' })).toBeInTheDocument();
    expect(screen.getByLabelText('Amount (USD)')).toHaveFocus();
    expect(screen.getByTestId('payout-available')).toHaveTextContent('$1,234.56');
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalled();
  });

  it('converts major units to minor units exactly', async () => {
    const payout = { id: 'p1', amount: 1234, currency: 'usd', status: 'PENDING', requestedAt: '2026-01-01T00:00:00Z' };
    const fetchMock = mockFetch({ status: 201, body: payout });
    const { user, onClose, onRequested } = setup();

    await user.type(screen.getByLabelText('Amount (USD)'), '12.34');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));

    await waitFor(() => expect(onRequested).toHaveBeenCalled());
    expect(onRequested.mock.calls[0][0]).toEqual(payout);
    expect(onClose).toHaveBeenCalled();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/wallet/payout');
    expect(lastFetchBody(fetchMock)).toEqual({ amount: 1234, currency: 'usd' });
    expect((init.headers as Record<string, string>)['Idempotency-Key']).toBeTruthy();
  });

  it('uses the exponent of the chosen currency (jpy has none)', async () => {
    const fetchMock = mockFetch({ status: 201, body: { id: 'p2', amount: 4000, currency: 'jpy', status: 'PENDING' } });
    const { user } = setup();
    await user.selectOptions(screen.getByLabelText('Currency'), 'jpy');
    await user.type(screen.getByLabelText('Amount (JPY)'), '40.5');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    expect(screen.getByText('JPY amounts cannot have decimals')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();

    await user.clear(screen.getByLabelText('Amount (JPY)'));
    await user.type(screen.getByLabelText('Amount (JPY)'), '4000');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(lastFetchBody(fetchMock)).toEqual({ amount: 4000, currency: 'jpy' });
  });

  it('validates before sending', async () => {
    const fetchMock = mockFetch({ body: {} });
    const { user } = setup();
    const submit = () => user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    const amount = () => screen.getByLabelText('Amount (USD)');

    await submit();
    expect(screen.getByText('Enter an amount')).toBeInTheDocument();
    await user.type(amount(), '12.345');
    await submit();
    expect(screen.getByText('USD amounts can have at most 2 decimal places')).toBeInTheDocument();
    await user.clear(amount());
    await user.type(amount(), '0');
    await submit();
    expect(screen.getByText('Amount must be greater than zero')).toBeInTheDocument();
    await user.clear(amount());
    await user.type(amount(), '1234.57');
    await submit();
    expect(screen.getByText('You can withdraw at most $1,234.56 now')).toBeInTheDocument();
    expect(amount()).toHaveAttribute('aria-invalid', 'true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("shows the server's error message and stays open", async () => {
    mockFetch({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', code: 'PAYOUTS_NOT_ENABLED', message: 'Complete payout setup before requesting a payout' },
    });
    const { user, onClose } = setup();
    await user.type(screen.getByLabelText('Amount (USD)'), '10');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Set up payouts first');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('reuses the Idempotency-Key when the same request is retried', async () => {
    const fetchMock = mockFetch({ status: 500, body: { statusCode: 500, message: 'Temporary failure' } });
    const { user } = setup();
    await user.type(screen.getByLabelText('Amount (USD)'), '10');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    await screen.findByRole('alert');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(2));
    const keys = fetchMock.mock.calls.map((c) => ((c as unknown as [string, RequestInit])[1].headers as Record<string, string>)['Idempotency-Key']);
    expect(keys[0]).toBe(keys[1]);
  });
});

describe('validatePayout', () => {
  it('checks the available balance in minor units', () => {
    expect(validatePayout('0.29', 'usd', 29)).toEqual({ amount: 29 });
    expect(validatePayout('0.30', 'usd', 29).error).toBe('You can withdraw at most $0.29 now');
  });

  it('offers only what Stripe lets us pay out now, and says when the rest becomes payable', async () => {
    const fetchMock = mockFetch({ body: {} });
    const user = userEvent.setup();
    const pending: WalletBalance[] = [
      {
        currency: 'usd',
        available: 123456,
        pending: 0,
        totalEarned: 123456,
        totalWithdrawn: 0,
        availableForPayout: 100000,
        nextAvailableOn: '2030-03-04T12:00:00Z',
      },
    ];
    renderWithProviders(<PayoutModal balances={pending} onClose={jest.fn()} />);
    expect(screen.getByTestId('payout-available')).toHaveTextContent('$1,000.00');
    expect(screen.getByText(/\$234\.56 more from Mar 4, 2030/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('Amount (USD)'), '1000.01');
    await user.click(screen.getByRole('button', { name: 'Confirm payout' }));
    expect(screen.getByText('You can withdraw at most $1,000.00 now')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
