import { lazy } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter } from 'react-router';
import { Layout } from './Layout';
import { RequireAuth } from './RequireAuth';
import { HomeRedirect } from './HomeRedirect';
import { RouteError } from './RouteError';
import { inNextTask, prefetchCheckout, prefetchDashboard } from './route-prefetch';

// Every screen is its own chunk; the checkout chunk is the only one that pulls in Stripe.
const SignInRoute = lazy(() => import('./routes/SignInRoute'));
const SignUpRoute = lazy(() => import('./routes/SignUpRoute'));
const DashboardRoute = lazy(() => import('./routes/DashboardRoute'));
const CollaborationsRoute = lazy(() => import('./routes/CollaborationsRoute'));
const ProposeRoute = lazy(() => import('./routes/ProposeRoute'));
const CollaborationRoute = lazy(() => import('./routes/CollaborationRoute'));
const PaymentsRoute = lazy(() => import('./routes/PaymentsRoute'));
const CheckoutRoute = lazy(() => import('./routes/CheckoutRoute'));
const PaymentResultRoute = lazy(() => import('./routes/PaymentResultRoute'));
const WalletRoute = lazy(() => import('./routes/WalletRoute'));
const ConnectReturnRoute = lazy(() => import('./routes/ConnectReturnRoute'));
const ConnectRefreshRoute = lazy(() => import('./routes/ConnectRefreshRoute'));
const AdminRoute = lazy(() => import('./routes/AdminRoute'));
const DisputeRoute = lazy(() => import('./routes/DisputeRoute'));
const BillingRoute = lazy(() => import('./routes/BillingRoute'));
const NotFoundRoute = lazy(() => import('./routes/NotFoundRoute'));
const NotificationSettingsRoute = lazy(() => import('./routes/NotificationSettingsRoute'));

/** The app's routes; loaders start a screen's data requests while its chunk downloads (route-prefetch.ts). */
export type AppRouter = ReturnType<typeof createBrowserRouter>;

export const createAppRouter = (queryClient: QueryClient): AppRouter =>
  createBrowserRouter([
    {
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <HomeRedirect /> },
        { path: 'sign-in', element: <SignInRoute /> },
        { path: 'sign-up', element: <SignUpRoute /> },
        {
          path: 'dashboard',
          loader: () => inNextTask(() => prefetchDashboard(queryClient)),
          element: (
            <RequireAuth>
              <DashboardRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'collaborations',
          element: (
            <RequireAuth roles={['company', 'influencer']}>
              <CollaborationsRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'collaborations/new',
          element: (
            <RequireAuth roles={['company']}>
              <ProposeRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'collaborations/:id',
          element: (
            <RequireAuth roles={['company', 'influencer']}>
              <CollaborationRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'payments',
          element: (
            <RequireAuth>
              <PaymentsRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'payments/checkout/:collaborationId',
          loader: ({ params }) => inNextTask(() => prefetchCheckout(queryClient, params.collaborationId)),
          element: (
            <RequireAuth roles={['company']}>
              <CheckoutRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'payments/result/:collaborationId',
          element: (
            <RequireAuth roles={['company']}>
              <PaymentResultRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'wallet',
          element: (
            <RequireAuth roles={['influencer']}>
              <WalletRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'connect/return',
          element: (
            <RequireAuth roles={['influencer']}>
              <ConnectReturnRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'connect/refresh',
          element: (
            <RequireAuth roles={['influencer']}>
              <ConnectRefreshRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'billing',
          element: (
            <RequireAuth roles={['company', 'influencer']}>
              <BillingRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'disputes/:id',
          element: (
            <RequireAuth>
              <DisputeRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'admin',
          element: (
            <RequireAuth roles={['admin']}>
              <AdminRoute />
            </RequireAuth>
          ),
        },
        {
          path: 'settings/notifications',
          element: (
            <RequireAuth>
              <NotificationSettingsRoute />
            </RequireAuth>
          ),
        },
        { path: '*', element: <NotFoundRoute /> },
      ],
    },
  ]);
