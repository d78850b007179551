import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createAppRouter } from './app/router';
import { createQueryClient } from './lib/query-client';
import './styles.css';

/** Lets the browser run what waits (input, paint) before the next step: each step is then a task of its own. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

// The start in separate short tasks instead of one long one (Lighthouse's Total Blocking Time on a slow phone): the
// router (matching the URL; the route loader's data requests start in a task of their own, see route-prefetch.ts),
// then the first render, as a transition so React renders it in slices of a few milliseconds.
async function start() {
  await nextTask();
  const queryClient = createQueryClient();
  const router = createAppRouter(queryClient);
  await nextTask();
  const root = createRoot(document.getElementById('root')!);
  startTransition(() => {
    root.render(
      <StrictMode>
        <App queryClient={queryClient} router={router} />
      </StrictMode>,
    );
  });
}

void start();
