import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lastFetchBody, mockFetch, renderWithProviders } from '../../../test/test-utils';
import { SignUpForm, validateSignUp } from './SignUpForm';

describe('SignUpForm', () => {
  it('requires name, email, an 8+ character password and a role', async () => {
    const fetchMock = mockFetch({ body: {} });
    const user = userEvent.setup();
    renderWithProviders(<SignUpForm onSuccess={jest.fn()} />);

    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(screen.getByText('Choose an account type')).toBeInTheDocument();
    expect(screen.getByText('Enter your name')).toBeInTheDocument();
    expect(screen.getByText('Enter your email')).toBeInTheDocument();
    expect(screen.getByText('Password must be at least 8 characters')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('registers an influencer', async () => {
    const session = { accessToken: 'jwt', user: { id: 'u2', email: 'i@x.io', name: 'Ivy', role: 'influencer' } };
    const fetchMock = mockFetch({ status: 201, body: session });
    const onSuccess = jest.fn();
    const user = userEvent.setup();
    renderWithProviders(<SignUpForm onSuccess={onSuccess} />);

    await user.click(screen.getByLabelText('Influencer'));
    await user.type(screen.getByLabelText('Name'), 'Ivy');
    await user.type(screen.getByLabelText('Email'), 'i@x.io');
    await user.type(screen.getByLabelText('Password'), 'longenough');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(onSuccess.mock.calls[0][0]).toEqual(session);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/auth/register');
    expect(lastFetchBody(fetchMock)).toEqual({ name: 'Ivy', email: 'i@x.io', password: 'longenough', role: 'influencer' });
  });

  it("shows the server's message (e.g. email taken)", async () => {
    mockFetch({ status: 409, body: { statusCode: 409, error: 'Conflict', code: 'EMAIL_TAKEN', message: 'This email is already registered' } });
    const user = userEvent.setup();
    renderWithProviders(<SignUpForm onSuccess={jest.fn()} />);

    await user.click(screen.getByLabelText('Company (brand)'));
    await user.type(screen.getByLabelText('Name'), 'Acme');
    await user.type(screen.getByLabelText('Email'), 'a@acme.io');
    await user.type(screen.getByLabelText('Password'), 'longenough');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('An account with this email already exists. Sign in instead.');
  });

  it('shows the password strength as the server will judge it, with advice', async () => {
    const user = userEvent.setup();
    renderWithProviders(<SignUpForm onSuccess={jest.fn()} />);
    expect(screen.getByText(/a few uncommon words work well/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('Password'), 'password');
    expect(await screen.findByText('Very weak')).toBeInTheDocument();
    expect(screen.getByText(/too easy to guess/)).toHaveTextContent('heavily used password');
    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'violet-harbour-ostrich');
    expect(await screen.findByText('Very strong')).toBeInTheDocument();
    expect(screen.queryByText(/too easy to guess/)).not.toBeInTheDocument();
  });

  it("shows the server's WEAK_PASSWORD advice", async () => {
    mockFetch({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', code: 'WEAK_PASSWORD', message: 'This password is too easy to guess. Add another word or two.' },
    });
    const user = userEvent.setup();
    renderWithProviders(<SignUpForm onSuccess={jest.fn()} />);
    await user.click(screen.getByLabelText('Company (brand)'));
    await user.type(screen.getByLabelText('Name'), 'Acme');
    await user.type(screen.getByLabelText('Email'), 'a@acme.io');
    await user.type(screen.getByLabelText('Password'), 'longenough');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This password is too easy to guess. Add another word or two.');
  });

  it('validateSignUp accepts a complete form', () => {
    expect(validateSignUp({ name: 'A', email: 'a@b.co', password: '12345678', role: 'company' })).toEqual({});
  });
});
