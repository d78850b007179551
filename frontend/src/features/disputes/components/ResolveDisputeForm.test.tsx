import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetchRoutes, renderWithProviders, sentBodies } from '../../../test/test-utils';
import type { Dispute } from '../api/types';
import { ResolveDisputeForm } from './ResolveDisputeForm';
import { validateSplit } from './split-validation';

const dispute: Dispute = {
  id: 'd1',
  collaborationId: 'c1',
  milestoneId: 'm2',
  openedBy: 'u-company',
  reason: 'quality',
  details: 'Wrong logo',
  status: 'OPEN',
  amount: 60000,
  currency: 'usd',
  messages: [],
  resolution: null,
  createdAt: '2026-01-01T00:00:00Z',
};

describe('validateSplit', () => {
  it('accepts an exact split, including all to one side', () => {
    expect(validateSplit({ release: '300', refund: '300.00', note: 'Half each' }, 60000, 'usd').value).toEqual({
      releaseAmount: 30000,
      refundAmount: 30000,
      note: 'Half each',
    });
    expect(validateSplit({ release: '0', refund: '600', note: 'x' }, 60000, 'usd').value).toEqual({ releaseAmount: 0, refundAmount: 60000, note: 'x' });
    expect(validateSplit({ release: '5000', refund: '0', note: 'x' }, 5000, 'jpy').value).toEqual({ releaseAmount: 5000, refundAmount: 0, note: 'x' });
  });

  it('refuses a split off by one cent either way, naming the gap in money format', () => {
    expect(validateSplit({ release: '300', refund: '299.99', note: 'x' }, 60000, 'usd').errors.sum).toBe(
      'Release and refund add up to $599.99; they must add up to exactly $600.00 ($0.01 unassigned).',
    );
    expect(validateSplit({ release: '300.01', refund: '300', note: 'x' }, 60000, 'usd').errors.sum).toMatch(/\$600\.01.*\(\$0\.01 too much\)/);
  });

  it('refuses empty, negative, over-precise amounts and a missing note', () => {
    const { errors, value } = validateSplit({ release: '', refund: '-1', note: ' ' }, 60000, 'usd');
    expect(value).toBeUndefined();
    expect(errors).toEqual({ release: 'Enter an amount (0 for none)', refund: 'Amount must be positive', note: 'Explain the decision to both parties' });
    expect(validateSplit({ release: '1.5', refund: '1', note: 'x' }, 3, 'jpy').errors.release).toBe('JPY amounts cannot have decimals');
  });
});

describe('ResolveDisputeForm', () => {
  it('validates the split client-side, fills the rest, then sends minor units with an Idempotency-Key', async () => {
    const fetchMock = mockFetchRoutes({ 'POST /api/admin/disputes/d1/resolve': { body: { ...dispute, status: 'RESOLVED' } } });
    const user = userEvent.setup();
    renderWithProviders(<ResolveDisputeForm dispute={dispute} />);
    await user.type(screen.getByLabelText('Release to the influencer'), '300');
    await user.type(screen.getByLabelText('Refund to the company'), '299.99');
    await user.type(screen.getByLabelText('Decision (both parties see it)'), 'Half each');
    expect(screen.getByTestId('resolve-total')).toHaveTextContent('Assigned $599.99 of $600.00');
    await user.click(screen.getByRole('button', { name: 'Resolve dispute' }));
    expect(screen.getByRole('alert')).toHaveTextContent('($0.01 unassigned)');
    expect(sentBodies(fetchMock, 'POST /api/admin/disputes/d1/resolve')).toHaveLength(0);

    await user.clear(screen.getByLabelText('Refund to the company'));
    await user.click(screen.getByRole('button', { name: 'Rest to company' }));
    expect(screen.getByLabelText('Refund to the company')).toHaveValue('300.00');
    expect(screen.getByTestId('resolve-total')).toHaveTextContent('Assigned $600.00 of $600.00');
    await user.click(screen.getByRole('button', { name: 'Resolve dispute' }));
    // moving money asks first: nothing is sent until the admin confirms the split
    const dialog = screen.getByRole('dialog', { name: 'Resolve dispute' });
    expect(dialog).toHaveTextContent('$300.00 goes to the influencer');
    expect(dialog).toHaveTextContent('$300.00 goes back to the company');
    expect(sentBodies(fetchMock, 'POST /api/admin/disputes/d1/resolve')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Release $300.00, refund $300.00' }));
    await waitFor(() =>
      expect(sentBodies(fetchMock, 'POST /api/admin/disputes/d1/resolve')).toEqual([{ releaseAmount: 30000, refundAmount: 30000, note: 'Half each' }]),
    );
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['Idempotency-Key']).toEqual(expect.any(String));
  });
});
