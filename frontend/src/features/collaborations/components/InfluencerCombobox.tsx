import { useId, useState, type KeyboardEvent } from 'react';
import { errorMessage } from '../../../lib/api-client';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { MIN_SEARCH_LENGTH, useInfluencerSearch, type InfluencerSummary } from '../api/search-influencers.api';

interface InfluencerComboboxProps {
  id: string;
  value: InfluencerSummary | null;
  onChange: (influencer: InfluencerSummary | null) => void;
  error?: string;
  /** debounce of the search (ms); tests pass 0 */
  debounceMs?: number;
}

export function influencerLabel(i: InfluencerSummary): string {
  return i.handle ? `${i.name} (@${i.handle})` : i.name;
}

/**
 * Find an influencer by name or handle: an ARIA 1.2 combobox (input + listbox) with search-as-you-type
 * (`GET /api/influencers?q=`, debounced). Arrow keys move through the results, Enter picks, Escape closes.
 */
export function InfluencerCombobox({ id, value, onChange, error, debounceMs = 250 }: InfluencerComboboxProps) {
  const listId = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const debounced = useDebouncedValue(text, debounceMs);
  const search = useInfluencerSearch(debounced);
  const term = text.trim().replace(/^@/, '');
  const results = term.length >= MIN_SEARCH_LENGTH ? (search.data?.data ?? []) : [];
  const settled = debounced === text && !search.isFetching;
  const expanded = open && term.length >= MIN_SEARCH_LENGTH;
  const optionId = (i: number) => `${id}-option-${i}`;
  const describedBy = [error ? `${id}-error` : `${id}-hint`].join(' ');

  const pick = (i: InfluencerSummary) => {
    onChange(i);
    setText('');
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
      if (results.length) setActive((a) => (a + 1) % results.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      if (results.length) setActive((a) => (a <= 0 ? results.length - 1 : a - 1));
    } else if (e.key === 'Enter') {
      if (expanded && active >= 0 && results[active]) {
        e.preventDefault();
        pick(results[active]);
      } else if (expanded) {
        e.preventDefault();
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        setActive(-1);
      } else setText('');
    }
  };

  if (value) {
    return (
      <div className="field">
        <span className="label" id={`${id}-label`}>
          Influencer
        </span>
        <div className="chosen" data-testid="chosen-influencer">
          <span>{influencerLabel(value)}</span>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            onClick={() => {
              onChange(null);
              setTimeout(() => document.getElementById(id)?.focus(), 0);
            }}
          >
            Change influencer
          </button>
        </div>
      </div>
    );
  }

  let status = '';
  if (expanded && settled) {
    if (search.isError) status = errorMessage(search.error);
    else status = results.length === 0 ? `No influencer named or handled “${term}”.` : `${results.length} result${results.length === 1 ? '' : 's'}.`;
  }

  return (
    <div className="field combobox">
      <label htmlFor={id}>Influencer</label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
        aria-invalid={!!error}
        aria-describedby={describedBy}
        autoComplete="off"
        spellCheck={false}
        placeholder="Name or @handle"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label="Matching influencers" className="combobox-list" hidden={!expanded || results.length === 0}>
        {results.map((r, i) => (
          <li
            key={r.id}
            id={optionId(i)}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'combobox-option active' : 'combobox-option'}
            // mousedown (not click) so the input's blur does not close the list first
            onMouseDown={(e) => {
              e.preventDefault();
              pick(r);
            }}
          >
            <span>{r.name}</span>
            {r.handle && <span className="muted"> @{r.handle}</span>}
          </li>
        ))}
      </ul>
      <p className="sr-only" role="status" aria-live="polite">
        {status}
      </p>
      {expanded && settled && results.length === 0 && !search.isError && <p className="hint">No match. Invite them by email instead.</p>}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="hint">
          Type at least {MIN_SEARCH_LENGTH} letters of their name or handle, then pick them from the list.
        </p>
      )}
    </div>
  );
}
