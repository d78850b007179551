import { useState } from 'react';
import { Link } from 'react-router';
import { StatusBadge } from '../../../components/StatusBadge';
import { useToast } from '../../../components/toast/toast-context';
import { formatDateTime } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import type { Collaboration, Payment } from '../../../types/api';
import { useDisputes } from '../api/get-disputes.api';
import { reasonLabel } from '../api/types';
import { OpenDisputeForm } from './OpenDisputeForm';

const HELD = ['HELD', 'PARTIALLY_RELEASED'];

/** The disputes of one collaboration (frozen money shown), and opening one while money is held. */
export function CollaborationDisputes({ collaboration: c, payment }: { collaboration: Collaboration; payment: Payment | null | undefined }) {
  const query = useDisputes({ limit: 100 });
  const [opening, setOpening] = useState(false);
  const toast = useToast();
  const disputes = (query.data?.data ?? []).filter((d) => d.collaborationId === c.id);
  const open = disputes.filter((d) => d.status === 'OPEN');
  const held = !!payment && HELD.includes(payment.status);
  if (disputes.length === 0 && !held) return null;

  return (
    <section className="card" aria-labelledby="collab-disputes">
      <h2 id="collab-disputes">Disputes</h2>
      {open.map((d) => (
        <p key={d.id} className="alert alert-warning" data-testid="frozen-notice">
          {formatMoney(d)} is frozen by an open dispute
          {d.milestoneId ? ` on “${c.milestones?.find((m) => m.id === d.milestoneId)?.title ?? 'a milestone'}”` : ''}: nothing is released or refunded until it
          ends.
        </p>
      ))}
      {disputes.length > 0 && (
        <ul className="list" data-testid="collaboration-disputes">
          {disputes.map((d) => (
            <li className="list-item" key={d.id}>
              <div className="list-main">
                <Link to={`/disputes/${d.id}`} className="list-title">
                  {reasonLabel(d.reason)}
                </Link>
                <span className="muted">
                  {formatMoney(d)} · opened {formatDateTime(d.createdAt)}
                </span>
              </div>
              <StatusBadge kind="dispute" status={d.status} />
            </li>
          ))}
        </ul>
      )}
      {held &&
        (opening ? (
          <OpenDisputeForm
            collaboration={c}
            onCancel={() => setOpening(false)}
            onOpened={(d) => {
              setOpening(false);
              toast.push({ tone: 'warning', title: 'Dispute opened', message: `${formatMoney(d)} is frozen until it is resolved.` });
            }}
          />
        ) : (
          <div className="actions">
            <button type="button" className="btn btn-secondary" onClick={() => setOpening(true)}>
              Open a dispute
            </button>
          </div>
        ))}
    </section>
  );
}
