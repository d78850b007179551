import { useState } from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError } from '../lib/api-client';
import { ConfirmDialog } from './ConfirmDialog';

function Harness({ onConfirm, destructive }: { onConfirm: () => Promise<unknown>; destructive?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Release
      </button>
      <a href="#outside">outside</a>
      {open && (
        <ConfirmDialog
          title="Release milestone"
          confirmLabel="Release $1,500.00"
          destructive={destructive}
          breakdown={{ currency: 'usd', gross: 150000, fee: 15000, net: 135000 }}
          onConfirm={onConfirm}
          onClose={() => setOpen(false)}
        >
          <p>The influencer receives the net amount in their wallet.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function deferred() {
  let resolve!: (v?: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ConfirmDialog', () => {
  it('states gross, fee and net and what happens next, in a labelled modal dialog', async () => {
    const user = userEvent.setup();
    render(<Harness onConfirm={async () => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Release' }));
    const dialog = screen.getByRole('dialog', { name: 'Release milestone' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAccessibleDescription('The influencer receives the net amount in their wallet.');
    expect(screen.getByTestId('confirm-gross')).toHaveTextContent('$1,500.00');
    expect(screen.getByTestId('confirm-fee')).toHaveTextContent('− $150.00');
    expect(screen.getByTestId('confirm-net')).toHaveTextContent('$1,350.00');
  });

  it.each([false, true])('focuses Cancel, never the action (destructive: %s)', async (destructive) => {
    const user = userEvent.setup();
    render(<Harness onConfirm={async () => undefined} destructive={destructive} />);
    await user.click(screen.getByRole('button', { name: 'Release' }));
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(screen.getByTestId('confirm-action')).toHaveClass(destructive ? 'btn-danger' : 'btn-primary');
  });

  it('a stray Enter on open cancels rather than confirms', async () => {
    const onConfirm = jest.fn(async () => undefined);
    const user = userEvent.setup();
    render(<Harness onConfirm={onConfirm} />);
    await user.click(screen.getByRole('button', { name: 'Release' }));
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('traps Tab inside, closes on Escape and gives focus back to the opener', async () => {
    const user = userEvent.setup();
    render(<Harness onConfirm={async () => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Release' }));
    await user.tab();
    expect(screen.getByTestId('confirm-action')).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByTestId('confirm-action')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Release' })).toHaveFocus();
  });

  it('runs the action once however often it is clicked, and cannot be dismissed while it runs', async () => {
    const d = deferred();
    const onConfirm = jest.fn(() => d.promise);
    const user = userEvent.setup();
    render(<Harness onConfirm={onConfirm} />);
    await user.click(screen.getByRole('button', { name: 'Release' }));
    const action = screen.getByTestId('confirm-action');
    // a double click, then more clicks dispatched directly (as a fast double-click lands before React re-renders)
    await user.dblClick(action);
    act(() => {
      action.click();
      action.click();
    });
    await user.keyboard('{Escape}');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(action).toBeDisabled();
    expect(action).toHaveTextContent('Working…');
    await act(async () => d.resolve());
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('shows a failure in plain words and lets the person try again', async () => {
    const onConfirm = jest
      .fn<Promise<unknown>, []>()
      .mockRejectedValueOnce(new ApiError(409, 'PAYMENT_NOT_HELD', 'payment p1 is RELEASED, expected HELD'))
      .mockResolvedValueOnce(undefined);
    const user = userEvent.setup();
    render(<Harness onConfirm={onConfirm} />);
    await user.click(screen.getByRole('button', { name: 'Release' }));
    await user.click(screen.getByTestId('confirm-action'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Only money that is still held can be released or refunded.');
    expect(screen.getByRole('alert')).not.toHaveTextContent('expected HELD');
    await user.click(screen.getByTestId('confirm-action'));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(onConfirm).toHaveBeenCalledTimes(2);
  });
});
