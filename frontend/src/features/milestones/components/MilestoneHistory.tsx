import { formatDateTime } from '../../../lib/format';
import type { Milestone } from '../../../types/api';

/** Submissions and change requests of one milestone, oldest first. */
export function MilestoneHistory({ milestone }: { milestone: Milestone }) {
  const items = [
    ...(milestone.submissions ?? []).map((s) => ({ kind: 'submission' as const, at: s.createdAt, note: s.note, links: s.links, id: s.id })),
    ...(milestone.changeRequests ?? []).map((r, i) => ({ kind: 'changes' as const, at: r.createdAt, note: r.note, links: [] as string[], id: `cr-${i}` })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (items.length === 0) return null;
  return (
    <ol className="history" aria-label={`History of ${milestone.title}`} data-testid={`milestone-history-${milestone.id}`}>
      {items.map((item) => (
        <li key={item.id} className={`history-item history-${item.kind}`}>
          <p className="history-head">
            <strong>{item.kind === 'submission' ? 'Submitted' : 'Changes requested'}</strong> <span className="muted">{formatDateTime(item.at)}</span>
          </p>
          <p className="history-note">{item.note}</p>
          {item.links.length > 0 && (
            <ul className="history-links">
              {item.links.map((l) => (
                <li key={l}>
                  <a href={l} target="_blank" rel="noopener noreferrer nofollow">
                    {l}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}
