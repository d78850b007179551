import { screen } from '@testing-library/react';
import { mockFetch, renderWithProviders } from '../../../test/test-utils';
import type { ConnectStatus } from '../../../types/api';
import { ConnectStatusCard, payoutsPaused } from './ConnectStatusCard';

const active: ConnectStatus = {
  status: 'ACTIVE',
  payoutsEnabled: true,
  requirementsDue: [],
  accountId: 'acct_1',
  detailsSubmitted: true,
  disabledReason: null,
  currentDeadline: null,
  pastDue: [],
};
const paused: ConnectStatus = {
  ...active,
  status: 'RESTRICTED',
  payoutsEnabled: false,
  requirementsDue: ['individual.verification.document'],
  pastDue: ['individual.verification.document'],
  disabledReason: 'requirements.past_due',
};

describe('ConnectStatusCard', () => {
  it('shows payouts as paused with the reason, what is overdue and both ways to fix it', async () => {
    mockFetch({ body: paused });
    renderWithProviders(<ConnectStatusCard />);
    expect(await screen.findByTestId('payouts-paused')).toHaveTextContent(/Payouts are paused\..*information that was due/);
    expect(screen.getByTestId('connect-past-due')).toHaveTextContent('individual verification document');
    expect(screen.getByRole('button', { name: 'Update your details with Stripe' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Open Stripe Express dashboard' })).toBeEnabled();
  });

  it('names the deadline of requirements that are due but not yet overdue', async () => {
    mockFetch({ body: { ...active, requirementsDue: ['individual.id_number'], currentDeadline: '2030-05-06T00:00:00Z' } });
    renderWithProviders(<ConnectStatusCard />);
    expect(await screen.findByTestId('connect-deadline')).toHaveTextContent('May 6, 2030');
    expect(screen.queryByTestId('payouts-paused')).toBeNull();
  });

  it('is not paused before onboarding, only unfinished', () => {
    expect(payoutsPaused(paused)).toBe(true);
    expect(payoutsPaused(active)).toBe(false);
    expect(payoutsPaused({ ...active, status: 'NOT_STARTED', payoutsEnabled: false, detailsSubmitted: false })).toBe(false);
    expect(payoutsPaused({ ...active, status: 'PENDING', payoutsEnabled: false, detailsSubmitted: false })).toBe(false);
  });
});
