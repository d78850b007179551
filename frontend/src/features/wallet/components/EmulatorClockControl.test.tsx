import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch, renderWithProviders } from '../../../test/test-utils';
import { EmulatorClockControl } from './EmulatorClockControl';

describe('EmulatorClockControl', () => {
  it('in emulator mode, explains the wait and moves the emulator clock past the date', async () => {
    const fetchMock = mockFetch(
      { body: { publishableKey: 'pk_test_emulator', stripeMode: 'emulator', stripeApiBase: 'http://127.0.0.1:12111' } },
      { body: { now: 1 } },
    );
    const user = userEvent.setup();
    renderWithProviders(<EmulatorClockControl nextAvailableOn="2030-03-04T12:00:00Z" />);
    const button = await screen.findByRole('button', { name: 'Advance the Stripe test clock' });
    expect(screen.getByTestId('emulator-clock')).toHaveTextContent(/pending.*about two days/);
    await user.click(button);
    await waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(2));
    const [url, init] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:12111/_emulator/clock/advance');
    expect(String(init.body)).toBe(`to=${Date.UTC(2030, 2, 4, 12) / 1000 + 1}`);
  });

  it('is not offered against Stripe itself, nor when nothing is waiting', async () => {
    const real = mockFetch({ body: { publishableKey: 'pk_test_x', stripeMode: 'test' } });
    const first = renderWithProviders(<EmulatorClockControl nextAvailableOn="2030-03-04T12:00:00Z" />);
    await waitFor(() => expect(real).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('emulator-clock')).toBeNull();
    first.unmount();
    const emu = mockFetch({ body: { publishableKey: 'pk_test_emulator', stripeMode: 'emulator', stripeApiBase: 'http://127.0.0.1:12111' } });
    renderWithProviders(<EmulatorClockControl nextAvailableOn={null} />);
    await waitFor(() => expect(emu).toHaveBeenCalled());
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('emulator-clock')).toBeNull();
  });

  it('offers to move the clock by two days while a payout is on its way to the bank', async () => {
    const fetchMock = mockFetch(
      { body: { publishableKey: 'pk_test_emulator', stripeMode: 'emulator', stripeApiBase: 'http://127.0.0.1:12111' } },
      { body: { now: 1 } },
    );
    const user = userEvent.setup();
    renderWithProviders(<EmulatorClockControl nextAvailableOn={null} payoutInTransit />);
    await user.click(await screen.findByRole('button', { name: 'Advance the Stripe test clock' }));
    expect(screen.getByTestId('emulator-clock')).toHaveTextContent(/on its way/);
    await waitFor(() => expect(fetchMock.mock.calls.length).toBeGreaterThanOrEqual(2));
    const [url, init] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:12111/_emulator/clock/advance');
    expect(String(init.body)).toBe(`ms=${2 * 86_400_000}`);
  });
});
