import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ToastProvider } from './ToastProvider';
import { MAX_TOASTS, useToast, type ToastInput } from './toast-context';

function Pusher({ toasts }: { toasts: ToastInput[] }) {
  const { push } = useToast();
  return (
    <button type="button" onClick={() => toasts.forEach((t) => push(t))}>
      push
    </button>
  );
}

function setup(toasts: ToastInput[]) {
  const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
  render(
    <ToastProvider>
      <Pusher toasts={toasts} />
    </ToastProvider>,
  );
  return { user };
}

describe('ToastStack', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('stacks toasts in order inside a polite live region, coloured by tone', async () => {
    const { user } = setup([
      { tone: 'success', title: 'Payment HELD', message: '$1,500.00 is held' },
      { tone: 'error', title: 'Payout FAILED' },
      { title: 'Just info' },
    ]);
    await user.click(screen.getByRole('button', { name: 'push' }));

    const toasts = screen.getAllByRole('status');
    expect(toasts).toHaveLength(3);
    expect(toasts[0]).toHaveTextContent('Payment HELD');
    expect(toasts[0]).toHaveTextContent('$1,500.00 is held');
    expect(toasts[0]).toHaveClass('toast-success');
    expect(toasts[1]).toHaveClass('toast-error');
    expect(toasts[2]).toHaveClass('toast-info');
    expect(toasts[0].parentElement).toHaveAttribute('aria-live', 'polite');
  });

  it('shows toasts that share a key once while one is on screen, and again after it is gone', async () => {
    const { user } = setup([
      { title: 'Payment HELD', key: 'payment:1:HELD' },
      { title: 'Payment HELD', key: 'payment:1:HELD' },
      { title: 'Payment HELD', key: 'payment:2:HELD' },
    ]);
    await user.click(screen.getByRole('button', { name: 'push' }));
    expect(screen.getAllByRole('status')).toHaveLength(2);
    act(() => jest.advanceTimersByTime(5100));
    await user.click(screen.getByRole('button', { name: 'push' }));
    expect(screen.getAllByRole('status')).toHaveLength(2);
  });

  it('auto-dismisses each toast after 5 seconds', async () => {
    const { user } = setup([{ title: 'First' }]);
    await user.click(screen.getByRole('button', { name: 'push' }));
    expect(screen.getByText('First')).toBeInTheDocument();

    act(() => jest.advanceTimersByTime(4900));
    expect(screen.getByText('First')).toBeInTheDocument();

    act(() => jest.advanceTimersByTime(200));
    expect(screen.queryByText('First')).not.toBeInTheDocument();
    expect(screen.queryAllByRole('status')).toHaveLength(0);
  });

  it('keeps younger toasts when older ones expire', async () => {
    const { user } = setup([{ title: 'Older' }]);
    await user.click(screen.getByRole('button', { name: 'push' }));
    act(() => jest.advanceTimersByTime(3000));
    await user.click(screen.getByRole('button', { name: 'push' }));
    expect(screen.getAllByText('Older')).toHaveLength(2);

    act(() => jest.advanceTimersByTime(2100));
    expect(screen.getAllByText('Older')).toHaveLength(1);
    act(() => jest.advanceTimersByTime(3000));
    expect(screen.queryByText('Older')).not.toBeInTheDocument();
  });

  it('dismisses a toast with its button', async () => {
    const { user } = setup([{ title: 'Keep me' }, { title: 'Close me', tone: 'warning' }]);
    await user.click(screen.getByRole('button', { name: 'push' }));
    await user.click(screen.getByRole('button', { name: 'Dismiss: Close me' }));

    expect(screen.queryByText('Close me')).not.toBeInTheDocument();
    expect(screen.getByText('Keep me')).toBeInTheDocument();
  });

  it(`keeps at most ${MAX_TOASTS} toasts`, async () => {
    const many = Array.from({ length: MAX_TOASTS + 2 }, (_, i) => ({ title: `Toast ${i + 1}` }));
    const { user } = setup(many);
    await user.click(screen.getByRole('button', { name: 'push' }));
    const toasts = screen.getAllByRole('status');
    expect(toasts).toHaveLength(MAX_TOASTS);
    expect(toasts[0]).toHaveTextContent('Toast 3');
    expect(toasts[MAX_TOASTS - 1]).toHaveTextContent(`Toast ${MAX_TOASTS + 2}`);
  });
});
