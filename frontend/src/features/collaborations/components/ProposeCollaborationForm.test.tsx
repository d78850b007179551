import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetchRoutes, renderWithProviders, sentBodies, type MockResponse } from '../../../test/test-utils';
import { ProposeCollaborationForm } from './ProposeCollaborationForm';
import { validateProposal } from './proposal-validation';

const INFLUENCER = '3f0c9a52-6a0e-4c1e-9d7f-0b7a1f2e3d4c';
const JENNY = { id: INFLUENCER, name: 'Jenny Rosen', handle: 'jenny.makes' };

/** The server of these tests: config (10% fee), the influencer search, and `create` for POST /api/collaborations. */
function mockFetch(create: MockResponse) {
  return mockFetchRoutes({
    'GET /api/config': { body: { publishableKey: 'pk', stripeMode: 'emulator', platformFeeBps: 1000 } },
    'GET /api/influencers': (url) => ({ body: { data: new URL(url, 'http://x').searchParams.get('q')?.startsWith('je') ? [JENNY] : [] } }),
    'POST /api/collaborations': create,
  });
}

const lastFetchBody = (fn: jest.Mock) => sentBodies(fn, 'POST /api/collaborations').pop();

async function pickJenny(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByRole('combobox', { name: 'Influencer' }), 'je');
  await user.click(await screen.findByRole('option', { name: /Jenny Rosen/ }));
}

async function fillBasics(user: ReturnType<typeof userEvent.setup>, amount: string) {
  await pickJenny(user);
  await user.type(screen.getByLabelText('Title'), 'Spring campaign');
  await user.type(screen.getByLabelText('Amount'), amount);
}

const render = (onCreated = jest.fn()) => renderWithProviders(<ProposeCollaborationForm onCreated={onCreated} searchDebounceMs={0} />);

describe('ProposeCollaborationForm', () => {
  it('validates required fields before sending', async () => {
    const fetchMock = mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    render();

    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    expect(screen.getByText('Find the influencer by name or handle and pick them from the list')).toBeInTheDocument();
    expect(screen.getByText('Enter a title')).toBeInTheDocument();
    expect(screen.getByText('Enter an amount')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Influencer' })).toHaveFocus();
    expect(lastFetchBody(fetchMock)).toBeUndefined();
  });

  it('rejects milestones that do not add up to the amount', async () => {
    const fetchMock = mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    render();

    await fillBasics(user, '1500');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 1 title'), 'Draft');
    await user.type(screen.getByLabelText('Milestone 1 amount'), '500');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 2 title'), 'Final');
    await user.type(screen.getByLabelText('Milestone 2 amount'), '999.99');
    expect(screen.getByText(/Milestones total: \$1,499\.99 of \$1,500\.00/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Milestones add up to $1,499.99, but the amount is $1,500.00');
    expect(lastFetchBody(fetchMock)).toBeUndefined();
  });

  it('sends minor units when milestones sum exactly to the amount', async () => {
    const created = { id: 'c1', title: 'Spring campaign' };
    const fetchMock = mockFetch({ status: 201, body: created });
    const onCreated = jest.fn();
    const user = userEvent.setup();
    render(onCreated);

    await fillBasics(user, '1500.10');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 1 title'), 'Draft');
    await user.type(screen.getByLabelText('Milestone 1 amount'), '500.05');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 2 title'), 'Final');
    await user.type(screen.getByLabelText('Milestone 2 amount'), '1000.05');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));

    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(lastFetchBody(fetchMock)).toEqual({
      influencerId: INFLUENCER,
      title: 'Spring campaign',
      amount: 150010,
      currency: 'usd',
      reviewPeriodDays: 7,
      milestones: [
        { title: 'Draft', amount: 50005 },
        { title: 'Final', amount: 100005 },
      ],
    });
  });

  it('proposes a monthly retainer: an amount per month and no milestones', async () => {
    const created = { id: 'c2', title: 'Spring campaign', billing: 'monthly' };
    const fetchMock = mockFetch({ status: 201, body: created });
    const onCreated = jest.fn();
    const user = userEvent.setup();
    render(onCreated);

    expect(screen.getByLabelText('One-time payment')).toBeChecked();
    await fillBasics(user, '1500');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 1 title'), 'Draft');

    await user.click(screen.getByLabelText('Monthly retainer'));
    expect(screen.getByLabelText('Monthly retainer')).toBeChecked();
    expect(screen.getByLabelText('Monthly retainer')).toHaveAccessibleDescription(/charged to your saved card every month/);
    expect(screen.getByLabelText('Amount per month')).toHaveValue('1500');
    expect(screen.queryByLabelText('Milestone 1 title')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add milestone' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(onCreated.mock.calls[0][0]).toEqual(created);
    expect(lastFetchBody(fetchMock)).toEqual({
      influencerId: INFLUENCER,
      title: 'Spring campaign',
      amount: 150000,
      currency: 'usd',
      reviewPeriodDays: 7,
      billing: 'monthly',
    });
  });

  it('switching back to a one-time payment brings milestones back (empty)', async () => {
    mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    render();
    await user.click(screen.getByLabelText('Monthly retainer'));
    await user.click(screen.getByLabelText('One-time payment'));
    expect(screen.getByLabelText('Amount')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add milestone' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Milestone 1 title')).not.toBeInTheDocument();
  });

  it('removes a milestone', async () => {
    mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    render();
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    expect(screen.getByLabelText('Milestone 1 title')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Remove milestone 1' }));
    expect(screen.queryByLabelText('Milestone 1 title')).not.toBeInTheDocument();
  });

  it("shows the server's message", async () => {
    mockFetch({ status: 404, body: { statusCode: 404, error: 'Not Found', code: 'INFLUENCER_NOT_FOUND', message: 'No influencer with this id' } });
    const user = userEvent.setup();
    render();
    await fillBasics(user, '100');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('No influencer has that id');
  });
});

describe('ProposeCollaborationForm: finding, inviting, the fee', () => {
  it('finds the influencer with the keyboard (ARIA combobox) and sends their id', async () => {
    const fetchMock = mockFetch({ status: 201, body: { id: 'c3' } });
    const user = userEvent.setup();
    const onCreated = jest.fn();
    render(onCreated);
    const box = screen.getByRole('combobox', { name: 'Influencer' });
    expect(box).toHaveAttribute('aria-expanded', 'false');
    await user.type(box, 'j');
    // one letter is not a search
    expect(fetchMock.mock.calls.filter(([u]) => String(u).startsWith('/api/influencers'))).toHaveLength(0);
    await user.type(box, 'e');
    const option = await screen.findByRole('option', { name: /Jenny Rosen @jenny\.makes/ });
    expect(box).toHaveAttribute('aria-expanded', 'true');
    expect(String(fetchMock.mock.calls.find(([u]) => String(u).startsWith('/api/influencers'))?.[0])).toBe('/api/influencers?q=je');
    await user.keyboard('{ArrowDown}');
    expect(option).toHaveAttribute('aria-selected', 'true');
    expect(box).toHaveAttribute('aria-activedescendant', option.id);
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('chosen-influencer')).toHaveTextContent('Jenny Rosen (@jenny.makes)');
    await user.type(screen.getByLabelText('Title'), 'Spring campaign');
    await user.type(screen.getByLabelText('Amount'), '100');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(lastFetchBody(fetchMock)).toMatchObject({ influencerId: INFLUENCER });
  });

  it('says when nobody matches, and Escape closes the list', async () => {
    mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    render();
    const box = screen.getByRole('combobox', { name: 'Influencer' });
    await user.type(box, 'zz');
    expect(await screen.findByText('No match. Invite them by email instead.')).toBeInTheDocument();
    await user.clear(box);
    await user.type(box, 'je');
    await screen.findByRole('option', { name: /Jenny Rosen/ });
    await user.keyboard('{Escape}');
    expect(box).toHaveAttribute('aria-expanded', 'false');
  });

  it('invites by email with a review period', async () => {
    const fetchMock = mockFetch({ status: 201, body: { id: 'c4', influencerId: null, invitedEmail: 'new@example.com' } });
    const user = userEvent.setup();
    const onCreated = jest.fn();
    render(onCreated);
    await user.click(screen.getByLabelText('Invite by email'));
    await user.type(screen.getByLabelText("Influencer's email"), 'nope');
    await user.type(screen.getByLabelText('Title'), 'Spring campaign');
    await user.type(screen.getByLabelText('Amount'), '100');
    const days = screen.getByLabelText('Review period (days)');
    await user.clear(days);
    await user.type(days, '45');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    expect(screen.getByText('Enter a valid email, e.g. name@example.com')).toBeInTheDocument();
    expect(screen.getByText('The review period is 1 to 30 days')).toBeInTheDocument();
    expect(screen.getByLabelText("Influencer's email")).toHaveFocus();
    await user.clear(screen.getByLabelText("Influencer's email"));
    await user.type(screen.getByLabelText("Influencer's email"), 'new@example.com');
    await user.clear(days);
    await user.type(days, '3');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(lastFetchBody(fetchMock)).toEqual({
      influencerEmail: 'new@example.com',
      title: 'Spring campaign',
      amount: 10000,
      currency: 'usd',
      reviewPeriodDays: 3,
    });
  });

  it('shows the fee and what the influencer receives (round half up, exact)', async () => {
    mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    render();
    await user.type(screen.getByLabelText('Amount'), '1500.05');
    // 10% of 150005 = 15000.5 → 15001
    expect(await screen.findByTestId('fee-preview-fee')).toHaveTextContent('$150.01');
    expect(screen.getByTestId('fee-preview-net')).toHaveTextContent('$1,350.04');
    expect(screen.getByText('Platform fee (10%)')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Currency'), 'jpy');
    await user.clear(screen.getByLabelText('Amount'));
    await user.type(screen.getByLabelText('Amount'), '5005');
    expect(screen.getByTestId('fee-preview-fee')).toHaveTextContent('¥501');
    expect(screen.getByTestId('fee-preview-net')).toHaveTextContent('¥4,504');
  });
});

describe('validateProposal', () => {
  const base = { influencerId: INFLUENCER, title: 'T', description: '', amount: '5000', currency: 'jpy', milestones: [] };

  it('handles zero-decimal currencies', () => {
    expect(validateProposal(base).payload).toEqual({ influencerId: INFLUENCER, title: 'T', amount: 5000, currency: 'jpy' });
    expect(validateProposal({ ...base, amount: '50.5' }).errors.amount).toBe('JPY amounts cannot have decimals');
  });

  it("enforces Stripe's minimum charge", () => {
    expect(validateProposal({ ...base, currency: 'usd', amount: '0.49' }).errors.amount).toBe('The minimum is $0.50');
  });

  it('rejects an influencer id that is not a UUID', () => {
    expect(validateProposal({ ...base, influencerId: 'bob@example.com' }).errors.influencerId).toBe('Pick the influencer from the list');
  });

  it('invites by email instead of an id (and validates the email)', () => {
    const byEmail = { ...base, mode: 'email' as const, influencerId: '', influencerEmail: ' New.Creator@Example.com ' };
    expect(validateProposal(byEmail).payload).toEqual({ influencerEmail: 'new.creator@example.com', title: 'T', amount: 5000, currency: 'jpy' });
    expect(validateProposal({ ...byEmail, influencerEmail: '' }).errors.influencerEmail).toBe("Enter the influencer's email");
    expect(validateProposal({ ...byEmail, influencerEmail: 'not-an-email' }).errors.influencerEmail).toMatch(/valid email/);
  });

  it('takes a review period of 1 to 30 whole days', () => {
    expect(validateProposal({ ...base, reviewPeriodDays: '14' }).payload?.reviewPeriodDays).toBe(14);
    for (const bad of ['0', '31', '2.5', 'x'])
      expect(validateProposal({ ...base, reviewPeriodDays: bad }).errors.reviewPeriodDays).toBe('The review period is 1 to 30 days');
  });

  it('a monthly retainer is sent with billing monthly and refuses milestones', () => {
    expect(validateProposal({ ...base, billing: 'monthly' }).payload).toEqual({
      influencerId: INFLUENCER,
      title: 'T',
      amount: 5000,
      currency: 'jpy',
      billing: 'monthly',
    });
    expect(validateProposal({ ...base, billing: 'one_time' }).payload).toEqual({ influencerId: INFLUENCER, title: 'T', amount: 5000, currency: 'jpy' });
    const { errors, payload } = validateProposal({ ...base, billing: 'monthly', milestones: [{ key: 1, title: 'Draft', amount: '5000' }] });
    expect(payload).toBeUndefined();
    expect(errors.milestones).toMatch(/monthly retainer has no milestones/);
  });

  it('flags each invalid milestone field', () => {
    const { errors } = validateProposal({ ...base, milestones: [{ key: 7, title: '', amount: '1.5' }] });
    expect(errors.milestoneFields?.[7]).toEqual({ title: 'Enter a milestone title', amount: 'JPY amounts cannot have decimals' });
  });
});
