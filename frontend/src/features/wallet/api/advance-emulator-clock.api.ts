import { useMutation, useQueryClient } from '@tanstack/react-query';
import { walletKeys } from './query-keys';

/**
 * Emulator mode only: moves the Stripe emulator's clock (CORS open control endpoint) past `to` (an ISO date-time of
 * the emulated clock, e.g. a balance's `nextAvailableOn`), or by two days. Stripe itself has no such thing.
 */
export async function advanceEmulatorClock(apiBase: string, to: string | null): Promise<void> {
  const base = apiBase.replace(/\/$/, '');
  const target = to ? Math.floor(new Date(to).getTime() / 1000) + 1 : null;
  const body = new URLSearchParams(target ? { to: String(target) } : { ms: String(2 * 86_400_000) });
  let res = await fetch(`${base}/_emulator/clock/advance`, { method: 'POST', body });
  if (res.status === 404) {
    // an emulator without the clock endpoint: move it by two days
    res = await fetch(`${base}/_emulator/advance`, { method: 'POST', body: new URLSearchParams({ ms: String(2 * 86_400_000) }) });
  }
  if (!res.ok) throw new Error(`The Stripe emulator did not move its clock (${res.status})`);
}

export function useAdvanceEmulatorClock(apiBase: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (to: string | null) => {
      if (!apiBase) throw new Error('Not running against the Stripe emulator');
      return advanceEmulatorClock(apiBase, to);
    },
    onSuccess: () => {
      // the server learns from Stripe (balance.available, or its next look at pending charges within seconds)
      for (const ms of [0, 2000, 6000]) setTimeout(() => void qc.invalidateQueries({ queryKey: walletKeys.all }), ms);
    },
  });
}
