import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { nextToasts, ToastProvider } from './ToastProvider';
import { MAX_TOASTS, useToast, type Toast, type ToastInput } from './toast-context';

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

describe('toast coalescing per object', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Every toast element that ever appeared (what a person, or the e2e recorder, counts). */
  function countElements() {
    const seen = new Set<Element>();
    const observer = new MutationObserver(() => document.querySelectorAll('[data-testid="toast"]').forEach((el) => seen.add(el)));
    observer.observe(document.body, { childList: true, subtree: true });
    return { seen, stop: () => observer.disconnect() };
  }

  it('one payout — requested, pending, in transit, paid — shows at most 2 toasts and holds one slot', async () => {
    const counter = countElements();
    const { user } = setup([
      { title: 'Payout requested', group: 'payout:1' },
      { title: 'Payout: Requested', group: 'payout:1', updateOnly: true },
      { title: 'Payout: On its way', group: 'payout:1', updateOnly: true },
      { title: 'Payout: Paid out', tone: 'success', group: 'payout:1' },
    ]);
    await user.click(screen.getByRole('button', { name: 'push' }));
    await act(async () => undefined);
    counter.stop();
    expect(screen.getAllByRole('status')).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent('Payout: Paid out');
    expect(counter.seen.size).toBeLessThanOrEqual(2);
  });

  it('progress about an object with no toast on screen shows nothing (no late "in transit" toast)', async () => {
    const { user } = setup([{ title: 'Payout: On its way', group: 'payout:2', updateOnly: true }]);
    await user.click(screen.getByRole('button', { name: 'push' }));
    expect(screen.queryAllByRole('status')).toHaveLength(0);
  });

  it('progress restarts the timer of the toast it updates', () => {
    let push!: (t: ToastInput) => void;
    function Late() {
      push = useToast().push;
      return null;
    }
    render(
      <ToastProvider>
        <Late />
      </ToastProvider>,
    );
    act(() => push({ title: 'Payout requested', group: 'payout:9' }));
    act(() => jest.advanceTimersByTime(4000));
    act(() => push({ title: 'Payout: On its way', group: 'payout:9', updateOnly: true }));
    act(() => jest.advanceTimersByTime(4000));
    expect(screen.getByText('Payout: On its way')).toBeInTheDocument();
  });

  it('different objects keep their own toasts; the pure rules agree', () => {
    const t = (id: number, group?: string): Toast => ({ id, tone: 'info', title: `t${id}`, duration: 5000, group, version: 0 });
    let list: Toast[] = [t(1, 'payment:a')];
    list = nextToasts(list, { title: 'b', group: 'payment:b' }, 2).list;
    expect(list.map((x) => x.group)).toEqual(['payment:a', 'payment:b']);
    const replaced = nextToasts(list, { title: 'a again', group: 'payment:a' }, 3);
    expect(replaced.list.map((x) => [x.id, x.title])).toEqual([
      [3, 'a again'],
      [2, 'b'],
    ]);
    const inPlace = nextToasts(list, { title: 'a progress', group: 'payment:a', updateOnly: true }, 4);
    expect(inPlace.list[0]).toMatchObject({ id: 1, title: 'a progress', version: 1 });
    expect(nextToasts([], { title: 'x', updateOnly: true, group: 'g' }, 5)).toEqual({ list: [], shownId: null });
  });
});
