import { act, render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ToastProvider } from '../../../components/toast/ToastProvider';
import { usePaymentUpdates } from './use-payment-updates';

type Handler = (...args: unknown[]) => void;

class FakeSocket {
  handlers = new Map<string, Handler[]>();
  emitted: { event: string; payload: unknown; ack?: Handler }[] = [];
  connected = false;
  on(event: string, h: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), h]);
    return this;
  }
  emit(event: string, payload: unknown, ack?: Handler) {
    this.emitted.push({ event, payload, ack });
    return this;
  }
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    (this.handlers.get(event) ?? []).forEach((h) => h(...args));
  }
  connect() {}
  disconnect() {
    this.connected = false;
  }
  removeAllListeners() {
    this.handlers.clear();
  }
}

let socket: FakeSocket;
jest.mock('../../../lib/socket', () => ({
  createPaymentsSocket: () => {
    socket = new FakeSocket();
    return Promise.resolve(socket);
  },
}));
function Probe() {
  const status = usePaymentUpdates('token', 'user-1');
  return <span data-testid="status">{status}</span>;
}

async function setup(seed?: (qc: QueryClient) => void) {
  const queryClient = new QueryClient();
  seed?.(queryClient);
  const invalidate = jest.spyOn(queryClient, 'invalidateQueries');
  render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <Probe />
      </ToastProvider>
    </QueryClientProvider>,
  );
  await act(async () => undefined); // the socket module resolves
  return { invalidate, queryClient };
}

const payment = (seq: number, status = 'HELD') => ({
  paymentId: 'p1',
  collaborationId: 'c1',
  status,
  amount: 150000,
  currency: 'usd',
  seq,
  timestamp: '2026-01-01T00:00:00Z',
});

describe('usePaymentUpdates', () => {
  beforeEach(() => sessionStorage.clear());

  it('reports the connection, toasts events and refreshes the affected queries', async () => {
    const { invalidate } = await setup();
    expect(screen.getByTestId('status')).toHaveTextContent('connecting');
    act(() => socket.fire('connect'));
    expect(screen.getByTestId('status')).toHaveTextContent('connected');
    expect(socket.emitted).toHaveLength(0); // nothing seen yet: no sync

    act(() => socket.fire('payment:update', payment(1)));
    expect(screen.getByTestId('toast')).toHaveTextContent('Payment: Held in escrow');
    expect(screen.getByTestId('toast')).toHaveAttribute('data-tone', 'success');
    expect(screen.getByTestId('toast')).toHaveTextContent('$1,500.00. Paid. CollabPay holds the money');
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['payments', 'detail', 'p1'] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['collaborations', 'detail', 'c1'] });
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: ['payments'] });

    act(() =>
      socket.fire('wallet:update', {
        currency: 'usd',
        available: 135000,
        pending: 0,
        lastTransaction: { type: 'credit', amount: 135000 },
        seq: 2,
        timestamp: '',
      }),
    );
    expect(screen.getByText('Wallet credited')).toBeInTheDocument();
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['wallet', 'transactions'] });
    expect(invalidate).not.toHaveBeenCalledWith({ queryKey: ['wallet'] });
  });

  it('patches the cached balance and payout row from the event instead of refetching every wallet endpoint', async () => {
    const { invalidate, queryClient } = await setup((qc) => {
      qc.setQueryData(['wallet', 'balance'], { balances: [{ currency: 'usd', available: 0, pending: 0, totalEarned: 0, totalWithdrawn: 0 }] });
      qc.setQueryData(['wallet', 'payouts', { limit: 20 }], { data: [{ id: 'po1', status: 'IN_TRANSIT', amount: 100, currency: 'usd' }], nextCursor: null });
    });
    act(() => socket.fire('connect'));
    act(() =>
      socket.fire('wallet:update', {
        currency: 'usd',
        available: 90000,
        pending: 0,
        lastTransaction: { type: 'credit', amount: 90000, description: 'Released from “Spring”' },
        seq: 1,
        timestamp: '',
      }),
    );
    expect(queryClient.getQueryData(['wallet', 'balance'])).toEqual({
      balances: [{ currency: 'usd', available: 90000, pending: 0, totalEarned: 90000, totalWithdrawn: 0 }],
    });
    act(() => socket.fire('payout:update', { payoutId: 'po1', status: 'COMPLETED', amount: 100, currency: 'usd', seq: 2, timestamp: '' }));
    expect(queryClient.getQueryData<{ data: { status: string }[] }>(['wallet', 'payouts', { limit: 20 }])?.data[0].status).toBe('COMPLETED');
    const walletRefetches = invalidate.mock.calls.map(([f]) => JSON.stringify(f?.queryKey)).filter((k) => k?.startsWith('["wallet"'));
    // transactions for the credit; the balance once, for the withdrawn total a paid payout changes
    expect(walletRefetches).toEqual(['["wallet","transactions"]', '["wallet","balance"]']);
  });

  it('keeps a payout to one toast slot and stays quiet about debits and money coming back from a payout', async () => {
    await setup();
    act(() => socket.fire('connect'));
    const debit = { currency: 'usd', available: 0, pending: 0, lastTransaction: { type: 'debit', amount: 100, description: 'Payout of $1.00' }, timestamp: '' };
    act(() => socket.fire('wallet:update', { ...debit, seq: 1 }));
    act(() => socket.fire('payout:update', { payoutId: 'po9', status: 'PENDING', amount: 100, currency: 'usd', seq: 2, timestamp: '' }));
    act(() => socket.fire('payout:update', { payoutId: 'po9', status: 'IN_TRANSIT', amount: 100, currency: 'usd', seq: 3, timestamp: '' }));
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
    act(() => socket.fire('payout:update', { payoutId: 'po9', status: 'FAILED', amount: 100, currency: 'usd', seq: 4, timestamp: '' }));
    const back = { ...debit, lastTransaction: { type: 'credit', amount: 100, description: 'Payout of $1.00 failed: returned to the wallet' } };
    act(() => socket.fire('wallet:update', { ...back, seq: 5 }));
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
    expect(screen.getByTestId('toast')).toHaveTextContent('Payout: Failed');
  });

  it('ignores duplicates and syncs from the last seq on reconnect until caught up', async () => {
    await setup();
    act(() => socket.fire('connect'));
    act(() => socket.fire('payout:update', { payoutId: 'po1', status: 'FAILED', amount: 100, currency: 'usd', seq: 5, timestamp: '' }));
    act(() => socket.fire('payout:update', { payoutId: 'po1', status: 'FAILED', amount: 100, currency: 'usd', seq: 5, timestamp: '' }));
    expect(screen.getAllByText('Payout: Failed')).toHaveLength(1);

    act(() => socket.fire('disconnect', 'transport close'));
    expect(screen.getByTestId('status')).toHaveTextContent('reconnecting');
    act(() => socket.fire('connect'));
    expect(socket.emitted[0]).toMatchObject({ event: 'sync', payload: { since: 5 } });

    // the replay arrives, then the ack says 1 event was sent: ask again from the new seq
    act(() => socket.fire('payout:update', { payoutId: 'po1', status: 'COMPLETED', amount: 100, currency: 'usd', seq: 6, timestamp: '' }));
    act(() => socket.emitted[0].ack?.(1));
    expect(socket.emitted[1]).toMatchObject({ event: 'sync', payload: { since: 6 } });
    act(() => socket.emitted[1].ack?.(0));
    expect(socket.emitted).toHaveLength(2);
    expect(screen.getByText('Payout: Paid out')).toBeInTheDocument();
    expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('6');
  });

  it('leaves events that arrive while the page unloads unseen, so the next page replays them', async () => {
    jest.useFakeTimers();
    try {
      await setup();
      act(() => socket.fire('connect'));
      act(() => socket.fire('payment:update', payment(3, 'PENDING')));
      expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('3');

      // Stripe.js redirects to the result page; the HELD event lands before the old page is gone
      act(() => {
        window.dispatchEvent(new Event('beforeunload'));
      });
      act(() => socket.fire('payment:update', payment(4, 'HELD')));
      expect(screen.queryByText('Payment: Held in escrow')).not.toBeInTheDocument();
      expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('3');

      // the navigation did not happen after all: catch up from seq 3
      act(() => {
        jest.advanceTimersByTime(3000);
      });
      expect(socket.emitted.at(-1)).toMatchObject({ event: 'sync', payload: { since: 3 } });
      act(() => socket.fire('payment:update', payment(4, 'HELD')));
      expect(screen.getByText('Payment: Held in escrow')).toBeInTheDocument();
      expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('4');
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows when the token is refused', async () => {
    await setup();
    act(() => socket.fire('connect_error', new Error('unauthorized')));
    expect(screen.getByTestId('status')).toHaveTextContent('unauthorized');
  });
  it('collaboration:update and dispute:update refresh only the affected collaboration, disputes and lists', async () => {
    const { invalidate } = await setup();
    act(() => socket.fire('connect'));
    act(() =>
      socket.fire('collaboration:update', {
        collaborationId: 'c9',
        status: 'ACTIVE',
        milestoneId: 'm1',
        milestoneStatus: 'SUBMITTED',
        message: 'Draft cut was submitted for review',
        seq: 1,
        timestamp: '',
      }),
    );
    expect(screen.getByText('Work submitted')).toBeInTheDocument();
    expect(screen.getByText('Draft cut was submitted for review')).toBeInTheDocument();
    expect(invalidate.mock.calls.map(([f]) => f?.queryKey)).toEqual([
      ['collaborations', 'detail', 'c9'],
      ['collaborations', 'list'],
    ]);
    invalidate.mockClear();
    act(() =>
      socket.fire('dispute:update', { disputeId: 'd1', collaborationId: 'c9', status: 'RESOLVED', message: 'Resolved by CollabPay', seq: 2, timestamp: '' }),
    );
    expect(screen.getByText('Dispute resolved')).toBeInTheDocument();
    expect(invalidate.mock.calls.map(([f]) => f?.queryKey)).toEqual([
      ['disputes', 'detail', 'd1'],
      ['disputes', 'list'],
      ['collaborations', 'detail', 'c9'],
      ['payments'],
    ]);
    // a replayed event is not applied twice
    invalidate.mockClear();
    act(() => socket.fire('dispute:update', { disputeId: 'd1', collaborationId: 'c9', status: 'RESOLVED', seq: 2, timestamp: '' }));
    expect(invalidate).not.toHaveBeenCalled();
  });

  it('retainer:update (a retainer ended at period end) refreshes the retainers on /billing and that collaboration, with one toast', async () => {
    const { invalidate, queryClient } = await setup((qc) => {
      qc.setQueryData(['payments', 'billing', 'retainers'], { data: [{ id: 'r1', status: 'active' }] });
      qc.setQueryData(['payments', 'billing', 'invoices', {}], { data: [], nextCursor: null });
    });
    act(() => socket.fire('connect'));
    const ended = {
      retainerId: 'r1',
      collaborationId: 'c7',
      status: 'canceled',
      previousStatus: 'active',
      cancelAtPeriodEnd: true,
      message: 'The monthly retainer for “Monthly posts” has ended',
      seq: 1,
      timestamp: '',
    };
    act(() => socket.fire('retainer:update', ended));
    expect(invalidate.mock.calls.map(([f]) => f?.queryKey)).toEqual([
      ['payments', 'billing', 'retainers'],
      ['collaborations', 'detail', 'c7'],
    ]);
    // the cached retainer list is stale now (refetched while /billing shows it); invoices are not touched
    expect(queryClient.getQueryState(['payments', 'billing', 'retainers'])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(['payments', 'billing', 'invoices', {}])?.isInvalidated).toBe(false);
    expect(screen.getByTestId('toast')).toHaveTextContent('Retainer ended');
    expect(screen.getByTestId('toast')).toHaveTextContent('The monthly retainer for “Monthly posts” has ended');
    // replayed through `sync` (same seq): neither applied nor shown again
    invalidate.mockClear();
    act(() => socket.fire('retainer:update', ended));
    expect(invalidate).not.toHaveBeenCalled();
    expect(screen.getAllByTestId('toast')).toHaveLength(1);
  });
});
