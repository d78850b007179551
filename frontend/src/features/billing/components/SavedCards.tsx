import { lazy, Suspense, useState } from 'react';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { EmptyState, ErrorMessage, Spinner } from '../../../components/QueryState';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { useRemoveCard, useSavedCards, useSetDefaultCard } from '../api/saved-cards.api';
import type { SavedCard } from '../api/types';

const AddCardForm = lazy(() => import('./AddCardForm').then((m) => ({ default: m.AddCardForm })));

/** The company's saved cards: add (SetupIntent), make default, remove. */
export function SavedCards() {
  const cards = useSavedCards();
  const setDefault = useSetDefaultCard();
  const remove = useRemoveCard();
  const toast = useToast();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<SavedCard | null>(null);
  const onError = (e: unknown) => toast.push({ tone: 'error', title: 'Could not update the card', message: errorMessage(e) });

  return (
    <section className="card" aria-labelledby="cards-title">
      <div className="section-header">
        <h2 id="cards-title">Saved cards</h2>
        {!adding && (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setAdding(true)}>
            Add a card
          </button>
        )}
      </div>
      {adding && (
        <Suspense fallback={<Spinner />}>
          <AddCardForm
            onDone={() => {
              setAdding(false);
              toast.push({ tone: 'info', title: 'Card saved', message: 'You can now pay in one click.' });
            }}
          />
        </Suspense>
      )}
      {cards.isPending ? (
        <Spinner label="Loading cards…" />
      ) : cards.isError ? (
        <ErrorMessage error={cards.error} onRetry={() => cards.refetch()} />
      ) : cards.data.data.length === 0 ? (
        <EmptyState>No saved cards. Save one to pay collaborations in one click and to run monthly retainers.</EmptyState>
      ) : (
        <ul className="list" data-testid="saved-cards">
          {cards.data.data.map((c) => (
            <li key={c.id} className="list-row" data-testid={`card-${c.id}`}>
              <span>
                <strong>{c.brand.toUpperCase()}</strong> •••• {c.last4}{' '}
                <span className="muted">
                  exp {String(c.expMonth).padStart(2, '0')}/{c.expYear}
                </span>
                {c.isDefault && <span className="badge badge-info"> default</span>}
              </span>
              <span className="row">
                {!c.isDefault && (
                  <button
                    type="button"
                    className="btn btn-small btn-secondary"
                    disabled={setDefault.isPending}
                    onClick={() => setDefault.mutate(c.id, { onError })}
                  >
                    Make default
                  </button>
                )}
                <button type="button" className="btn btn-small btn-danger" onClick={() => setRemoving(c)}>
                  Remove
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove the card ending ${removing.last4}`}
          destructive
          confirmLabel="Remove card"
          pendingLabel="Removing…"
          onClose={() => setRemoving(null)}
          onConfirm={() => remove.mutateAsync(removing.id)}
        >
          <p>
            Nothing is charged. You can no longer pay in one click with this card
            {removing.isDefault ? ', and monthly retainers charged to it need another card before their next month' : ''}.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
