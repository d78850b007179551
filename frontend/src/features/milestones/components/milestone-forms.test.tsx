import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetchRoutes, renderWithProviders, sentBodies } from '../../../test/test-utils';
import type { Collaboration, Milestone, Payment } from '../../../types/api';
import { MilestoneList } from './MilestoneList';
import { parseLinks, timeLeft } from './milestone-words';
import { SubmitMilestoneForm } from './SubmitMilestoneForm';

const m1: Milestone = {
  id: 'm1',
  title: 'Draft cut',
  amount: 40000,
  status: 'SUBMITTED',
  reviewDueAt: new Date(Date.now() + 2 * 86_400_000 + 3_700_000).toISOString(),
  changeRequestCount: 1,
  submissions: [],
  changeRequests: [],
};
const m2: Milestone = { id: 'm2', title: 'Final cut', amount: 60000, status: 'PENDING', reviewDueAt: null, submissions: [], changeRequests: [] };
const collab = {
  id: 'c1',
  companyId: 'co',
  influencerId: 'in',
  title: 'Reel',
  amount: 100000,
  currency: 'usd',
  status: 'ACTIVE',
  createdAt: '',
  milestones: [m1, m2],
} as Collaboration;
const payment = { id: 'p1', amount: 100000, platformFee: 10001, amountReleased: 0, currency: 'usd', status: 'HELD' } as Payment;

describe('milestone words', () => {
  it('counts down in days and hours, then minutes', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(timeLeft('2026-01-03T05:30:00Z', now)).toBe('2 days 5 hours');
    expect(timeLeft('2026-01-01T01:01:00Z', now)).toBe('1 hour 1 minute');
    expect(timeLeft('2026-01-01T00:00:30Z', now)).toBe('less than a minute');
    expect(timeLeft('2025-12-31T23:59:00Z', now)).toBeNull();
  });

  it('takes up to 10 http(s) links', () => {
    expect(parseLinks('https://a.example/x\n http://b.example ')).toEqual({ links: ['https://a.example/x', 'http://b.example'] });
    expect(parseLinks('ftp://a.example').error).toMatch(/Not a web address/);
    expect(parseLinks(Array.from({ length: 11 }, (_, i) => `https://x.example/${i}`).join('\n')).error).toBe('At most 10 links');
  });
});

describe('SubmitMilestoneForm', () => {
  it('requires a note, checks links, then sends them', async () => {
    const fetchMock = mockFetchRoutes({ 'POST /api/collaborations/c1/milestones/m2/submit': { body: collab } });
    const user = userEvent.setup();
    renderWithProviders(<SubmitMilestoneForm collaborationId="c1" milestone={m2} />);
    await user.type(screen.getByLabelText('Links (optional, one per line)'), 'example.com');
    await user.click(screen.getByRole('button', { name: 'Submit work' }));
    expect(screen.getByText('Describe what you delivered')).toBeInTheDocument();
    expect(screen.getByLabelText('What you delivered')).toHaveFocus();
    await user.type(screen.getByLabelText('What you delivered'), 'The final cut');
    await user.click(screen.getByRole('button', { name: 'Submit work' }));
    expect(screen.getByText('Not a web address: example.com (start it with https://)')).toBeInTheDocument();
    expect(sentBodies(fetchMock, 'POST /api/collaborations/c1/milestones/m2/submit')).toHaveLength(0);
    await user.clear(screen.getByLabelText('Links (optional, one per line)'));
    await user.type(screen.getByLabelText('Links (optional, one per line)'), 'https://example.com/final');
    await user.click(screen.getByRole('button', { name: 'Submit work' }));
    await waitFor(() =>
      expect(sentBodies(fetchMock, 'POST /api/collaborations/c1/milestones/m2/submit')).toEqual([
        { note: 'The final cut', links: ['https://example.com/final'] },
      ]),
    );
  });
});

describe('MilestoneList (company)', () => {
  it('shows plain words, the countdown, and approves with what the influencer nets', async () => {
    const fetchMock = mockFetchRoutes({ 'POST /api/collaborations/c1/milestones/m1/approve': { body: collab } });
    const user = userEvent.setup();
    renderWithProviders(<MilestoneList collaboration={collab} payment={payment} viewer="company" onRelease={jest.fn()} />);
    expect(screen.getByTestId('milestone-words-m1')).toHaveTextContent('Submitted: waiting for your review');
    expect(screen.getByTestId('milestone-words-m2')).toHaveTextContent('Waiting for the work');
    expect(screen.getByTestId('milestone-countdown-m1')).toHaveTextContent(/^2 days 1 hour left to review/);
    expect(screen.getByText('2 rounds of changes left')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    // fee share of the first 40% of a 10001 fee = floor(4000.4) = 4000
    expect(screen.getByTestId('approve-summary')).toHaveTextContent('the influencer receives $360.00 ($40.00 platform fee)');
    // the shared money confirmation: gross, fee, net; Cancel has the focus so a stray Enter releases nothing
    expect(screen.getByTestId('confirm-net')).toHaveTextContent('$360.00');
    expect(screen.getByTestId('confirm-fee')).toHaveTextContent('$40.00');
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(sentBodies(fetchMock, 'POST /api/collaborations/c1/milestones/m1/approve')).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Approve and release $400.00' }));
    await waitFor(() => expect(sentBodies(fetchMock, 'POST /api/collaborations/c1/milestones/m1/approve')).toHaveLength(1));
  });

  it('asks for a note before requesting changes, and says how many rounds are left', async () => {
    const fetchMock = mockFetchRoutes({ 'POST /api/collaborations/c1/milestones/m1/request-changes': { body: collab } });
    const user = userEvent.setup();
    renderWithProviders(<MilestoneList collaboration={collab} payment={payment} viewer="company" />);
    await user.click(screen.getByRole('button', { name: 'Request changes' }));
    const dialog = screen.getByRole('dialog', { name: 'Request changes' });
    expect(dialog).toHaveAccessibleDescription(/2 rounds of changes left for “Draft cut”/);
    await user.click(screen.getByRole('button', { name: 'Send change request' }));
    expect(screen.getByText('Say what should change')).toBeInTheDocument();
    await user.type(screen.getByLabelText('What should change'), 'Shorter intro');
    await user.click(screen.getByRole('button', { name: 'Send change request' }));
    await waitFor(() => expect(sentBodies(fetchMock, 'POST /api/collaborations/c1/milestones/m1/request-changes')).toEqual([{ note: 'Shorter intro' }]));
  });

  it('no rounds left: request changes is disabled', () => {
    mockFetchRoutes({});
    renderWithProviders(<MilestoneList collaboration={{ ...collab, milestones: [{ ...m1, changeRequestCount: 3 }] }} payment={payment} viewer="company" />);
    expect(screen.getByRole('button', { name: 'Request changes' })).toBeDisabled();
    expect(screen.getByText('No rounds of changes left: approve, or open a dispute.')).toBeInTheDocument();
  });
});
