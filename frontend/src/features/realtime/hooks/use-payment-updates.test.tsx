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
    return socket;
  },
}));

function Probe() {
  const status = usePaymentUpdates('token', 'user-1');
  return <span data-testid="status">{status}</span>;
}

function setup() {
  const queryClient = new QueryClient();
  const invalidate = jest.spyOn(queryClient, 'invalidateQueries');
  render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <Probe />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { invalidate };
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

  it('reports the connection, toasts events and refreshes the affected queries', () => {
    const { invalidate } = setup();
    expect(screen.getByTestId('status')).toHaveTextContent('connecting');
    act(() => socket.fire('connect'));
    expect(screen.getByTestId('status')).toHaveTextContent('connected');
    expect(socket.emitted).toHaveLength(0); // nothing seen yet: no sync

    act(() => socket.fire('payment:update', payment(1)));
    expect(screen.getByTestId('toast')).toHaveTextContent('Payment HELD');
    expect(screen.getByTestId('toast')).toHaveAttribute('data-tone', 'success');
    expect(screen.getByText('$1,500.00 is now HELD.')).toBeInTheDocument();
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['payments'] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['collaborations'] });

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
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['wallet'] });
  });

  it('ignores duplicates and syncs from the last seq on reconnect until caught up', () => {
    setup();
    act(() => socket.fire('connect'));
    act(() => socket.fire('payout:update', { payoutId: 'po1', status: 'IN_TRANSIT', amount: 100, currency: 'usd', seq: 5, timestamp: '' }));
    act(() => socket.fire('payout:update', { payoutId: 'po1', status: 'IN_TRANSIT', amount: 100, currency: 'usd', seq: 5, timestamp: '' }));
    expect(screen.getAllByText('Payout IN_TRANSIT')).toHaveLength(1);

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
    expect(screen.getByText('Payout COMPLETED')).toBeInTheDocument();
    expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('6');
  });

  it('leaves events that arrive while the page unloads unseen, so the next page replays them', () => {
    jest.useFakeTimers();
    try {
      setup();
      act(() => socket.fire('connect'));
      act(() => socket.fire('payment:update', payment(3, 'PENDING')));
      expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('3');

      // Stripe.js redirects to the result page; the HELD event lands before the old page is gone
      act(() => {
        window.dispatchEvent(new Event('beforeunload'));
      });
      act(() => socket.fire('payment:update', payment(4, 'HELD')));
      expect(screen.queryByText('Payment HELD')).not.toBeInTheDocument();
      expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('3');

      // the navigation did not happen after all: catch up from seq 3
      act(() => {
        jest.advanceTimersByTime(3000);
      });
      expect(socket.emitted.at(-1)).toMatchObject({ event: 'sync', payload: { since: 3 } });
      act(() => socket.fire('payment:update', payment(4, 'HELD')));
      expect(screen.getByText('Payment HELD')).toBeInTheDocument();
      expect(sessionStorage.getItem('collabpay.seq.user-1')).toBe('4');
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows when the token is refused', () => {
    setup();
    act(() => socket.fire('connect_error', new Error('unauthorized')));
    expect(screen.getByTestId('status')).toHaveTextContent('unauthorized');
  });
  it('collaboration:update and dispute:update refresh only the affected collaboration, disputes and lists', () => {
    const { invalidate } = setup();
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
});
