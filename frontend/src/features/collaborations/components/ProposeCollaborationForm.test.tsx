import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lastFetchBody, mockFetch, renderWithProviders } from '../../../test/test-utils';
import { ProposeCollaborationForm } from './ProposeCollaborationForm';
import { validateProposal } from './proposal-validation';

const INFLUENCER = '3f0c9a52-6a0e-4c1e-9d7f-0b7a1f2e3d4c';

async function fillBasics(user: ReturnType<typeof userEvent.setup>, amount: string) {
  await user.type(screen.getByLabelText('Influencer id'), INFLUENCER);
  await user.type(screen.getByLabelText('Title'), 'Spring campaign');
  await user.type(screen.getByLabelText('Amount'), amount);
}

describe('ProposeCollaborationForm', () => {
  it('validates required fields before sending', async () => {
    const fetchMock = mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    renderWithProviders(<ProposeCollaborationForm onCreated={jest.fn()} />);

    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    expect(screen.getByText("Enter the influencer's id")).toBeInTheDocument();
    expect(screen.getByText('Enter a title')).toBeInTheDocument();
    expect(screen.getByText('Enter an amount')).toBeInTheDocument();
    expect(screen.getByLabelText('Influencer id')).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('rejects milestones that do not add up to the amount', async () => {
    const fetchMock = mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    renderWithProviders(<ProposeCollaborationForm onCreated={jest.fn()} />);

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
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends minor units when milestones sum exactly to the amount', async () => {
    const created = { id: 'c1', title: 'Spring campaign' };
    const fetchMock = mockFetch({ status: 201, body: created });
    const onCreated = jest.fn();
    const user = userEvent.setup();
    renderWithProviders(<ProposeCollaborationForm onCreated={onCreated} />);

    await fillBasics(user, '1500.10');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 1 title'), 'Draft');
    await user.type(screen.getByLabelText('Milestone 1 amount'), '500.05');
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    await user.type(screen.getByLabelText('Milestone 2 title'), 'Final');
    await user.type(screen.getByLabelText('Milestone 2 amount'), '1000.05');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));

    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(fetchMock.mock.calls[0][0]).toBe('/api/collaborations');
    expect(lastFetchBody(fetchMock)).toEqual({
      influencerId: INFLUENCER,
      title: 'Spring campaign',
      amount: 150010,
      currency: 'usd',
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
    renderWithProviders(<ProposeCollaborationForm onCreated={onCreated} />);

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
    expect(lastFetchBody(fetchMock)).toEqual({ influencerId: INFLUENCER, title: 'Spring campaign', amount: 150000, currency: 'usd', billing: 'monthly' });
  });

  it('switching back to a one-time payment brings milestones back (empty)', async () => {
    mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    renderWithProviders(<ProposeCollaborationForm onCreated={jest.fn()} />);
    await user.click(screen.getByLabelText('Monthly retainer'));
    await user.click(screen.getByLabelText('One-time payment'));
    expect(screen.getByLabelText('Amount')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Add milestone' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Milestone 1 title')).not.toBeInTheDocument();
  });

  it('removes a milestone', async () => {
    mockFetch({ status: 201, body: {} });
    const user = userEvent.setup();
    renderWithProviders(<ProposeCollaborationForm onCreated={jest.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Add milestone' }));
    expect(screen.getByLabelText('Milestone 1 title')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Remove milestone 1' }));
    expect(screen.queryByLabelText('Milestone 1 title')).not.toBeInTheDocument();
  });

  it("shows the server's message", async () => {
    mockFetch({ status: 404, body: { statusCode: 404, error: 'Not Found', code: 'INFLUENCER_NOT_FOUND', message: 'No influencer with this id' } });
    const user = userEvent.setup();
    renderWithProviders(<ProposeCollaborationForm onCreated={jest.fn()} />);
    await fillBasics(user, '100');
    await user.click(screen.getByRole('button', { name: 'Propose collaboration' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('No influencer has that id');
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
    expect(validateProposal({ ...base, influencerId: 'bob@example.com' }).errors.influencerId).toMatch(/UUID/);
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
