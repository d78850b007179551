import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { formatDateTime } from '../../../lib/format';
import { useConfig } from '../../payments/api/get-config.api';
import { useAdvanceEmulatorClock } from '../api/advance-emulator-clock.api';

/**
 * Shown only when the server talks to the Stripe emulator (GET /api/config stripeMode 'emulator'), and only when
 * something waits on Stripe's clock: money not yet payable (card funds are pending about two days) or a payout on its
 * way to the bank (about a day). Explains the wait and moves the emulator's clock past it, so a demo need not wait days.
 */
export function EmulatorClockControl({ nextAvailableOn, payoutInTransit = false }: { nextAvailableOn: string | null; payoutInTransit?: boolean }) {
  const config = useConfig();
  const apiBase = config.data?.stripeMode === 'emulator' ? config.data.stripeApiBase : undefined;
  const advance = useAdvanceEmulatorClock(apiBase);
  if (!apiBase || (!nextAvailableOn && !payoutInTransit)) return null;
  return (
    <section className="card" aria-labelledby="emulator-clock-title" data-testid="emulator-clock">
      <h2 id="emulator-clock-title">Stripe test clock (emulator only)</h2>
      {nextAvailableOn ? (
        <p>
          Stripe keeps a card payment&apos;s money <em>pending</em> for about two days before it can be paid out; the next funds become payable on{' '}
          <strong>{formatDateTime(nextAvailableOn)}</strong> (Stripe&apos;s time).
        </p>
      ) : (
        <p>Your payout is on its way: on Stripe, money reaches the bank about a day after a payout is made.</p>
      )}
      <p className="hint">
        This app runs against the built-in Stripe emulator, whose clock you can move forward instead of waiting. Real Stripe has no such button.
      </p>
      <FormError message={advance.error ? errorMessage(advance.error) : null} />
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={() => advance.mutate(nextAvailableOn)} disabled={advance.isPending}>
          {advance.isPending ? 'Advancing…' : 'Advance the Stripe test clock'}
        </button>
      </div>
    </section>
  );
}
