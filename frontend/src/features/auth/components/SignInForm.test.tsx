import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lastFetchBody, mockFetch, renderWithProviders } from '../../../test/test-utils';
import { SignInForm } from './SignInForm';

describe('SignInForm', () => {
  afterEach(() => localStorage.clear());

  it('validates before sending', async () => {
    const fetchMock = mockFetch({ body: {} });
    const user = userEvent.setup();
    renderWithProviders(<SignInForm onSuccess={jest.fn()} />);

    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Enter your email')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Email')).toHaveFocus();

    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Enter a valid email address')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('signs in and passes the session on', async () => {
    const session = { accessToken: 'jwt', user: { id: 'u1', email: 'a@b.co', name: 'A', role: 'company' } };
    const fetchMock = mockFetch({ body: session });
    const onSuccess = jest.fn();
    const user = userEvent.setup();
    renderWithProviders(<SignInForm onSuccess={onSuccess} />);

    await user.type(screen.getByLabelText('Email'), ' a@b.co ');
    await user.type(screen.getByLabelText('Password'), 'secret123');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(onSuccess.mock.calls[0][0]).toEqual(session);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/auth/login');
    expect(lastFetchBody(fetchMock)).toEqual({ email: 'a@b.co', password: 'secret123' });
  });

  it("shows the server's message on failure", async () => {
    mockFetch({ status: 401, body: { statusCode: 401, error: 'Unauthorized', code: 'INVALID_CREDENTIALS', message: 'Email or password is wrong' } });
    const onSuccess = jest.fn();
    const user = userEvent.setup();
    renderWithProviders(<SignInForm onSuccess={onSuccess} />);

    await user.type(screen.getByLabelText('Email'), 'a@b.co');
    await user.type(screen.getByLabelText('Password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('That email and password do not match an account.');
    expect(onSuccess).not.toHaveBeenCalled();
  });
});
