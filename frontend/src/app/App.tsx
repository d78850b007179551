import { useState } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { ToastProvider } from '../components/toast/ToastProvider';
import { createQueryClient } from '../lib/query-client';
import { AuthProvider } from '../features/auth/components/AuthProvider';
import { createAppRouter, type AppRouter } from './router';

/**
 * The app. main.tsx passes a query client and router it created before the first render (each in a task of its own,
 * see there); without them the app makes its own.
 */
export function App(props: { queryClient?: QueryClient; router?: AppRouter }) {
  const [queryClient] = useState(() => props.queryClient ?? createQueryClient());
  const [router] = useState(() => props.router ?? createAppRouter(queryClient));
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <AuthProvider>
          <RouterProvider router={router} />
        </AuthProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
