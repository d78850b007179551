import { TextField } from '../../../components/TextField';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { FormError } from '../../../components/QueryState';
import { errorMessage } from '../../../lib/api-client';
import { SUPPORTED_CURRENCIES, formatMoney, tryParseMajorToMinor } from '../../../lib/money';
import type { Collaboration } from '../../../types/api';
import { useConfig } from '../../payments/api/get-config.api';
import { useCreateCollaboration } from '../api/create-collaboration.api';
import type { InfluencerSummary } from '../api/search-influencers.api';
import { FeePreview } from './FeePreview';
import { InfluencerCombobox } from './InfluencerCombobox';
import { DEFAULT_REVIEW_PERIOD_DAYS, milestonesTotal, validateProposal, type ProposalDraft, type ProposalErrors } from './proposal-validation';

function firstErrorId(errors: ProposalErrors, draft: ProposalDraft): string | null {
  if (errors.influencerId) return 'propose-influencer';
  if (errors.influencerEmail) return 'propose-influencer-email';
  if (errors.title) return 'propose-title-input';
  if (errors.amount) return 'propose-amount';
  const bad = draft.milestones.find((m) => errors.milestoneFields?.[m.key]);
  if (bad) return `milestone-${bad.key}-${errors.milestoneFields?.[bad.key]?.title ? 'title' : 'amount'}`;
  if (errors.milestones) return 'milestones-error';
  if (errors.reviewPeriodDays) return 'propose-review-days';
  return null;
}

export function ProposeCollaborationForm({ onCreated, searchDebounceMs }: { onCreated: (c: Collaboration) => void; searchDebounceMs?: number }) {
  const nextKey = useRef(1);
  const config = useConfig();
  const [influencer, setInfluencer] = useState<InfluencerSummary | null>(null);
  const [draft, setDraft] = useState<ProposalDraft>({
    mode: 'search',
    influencerId: '',
    influencerEmail: '',
    reviewPeriodDays: String(DEFAULT_REVIEW_PERIOD_DAYS),
    title: '',
    description: '',
    amount: '',
    currency: 'usd',
    billing: 'one_time',
    milestones: [],
  });
  const [errors, setErrors] = useState<ProposalErrors>({});
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const mutation = useCreateCollaboration();

  const set = <K extends keyof ProposalDraft>(key: K, value: ProposalDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const addMilestone = () => {
    const key = nextKey.current++;
    setDraft((d) => ({ ...d, milestones: [...d.milestones, { key, title: '', amount: '' }] }));
    setTimeout(() => document.getElementById(`milestone-${key}-title`)?.focus(), 0);
  };
  const removeMilestone = (key: number) => setDraft((d) => ({ ...d, milestones: d.milestones.filter((m) => m.key !== key) }));
  const updateMilestone = (key: number, field: 'title' | 'amount', value: string) =>
    setDraft((d) => ({ ...d, milestones: d.milestones.map((m) => (m.key === key ? { ...m, [field]: value } : m)) }));

  // Focus the first invalid field once the errors have rendered.
  useEffect(() => {
    if (!focusTarget) return;
    document.getElementById(focusTarget)?.focus();
    setFocusTarget(null);
  }, [focusTarget]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { errors: found, payload } = validateProposal(draft);
    setErrors(found);
    if (!payload) {
      setFocusTarget(firstErrorId(found, draft));
      return;
    }
    mutation.mutate(payload, { onSuccess: onCreated });
  };

  // a monthly retainer has no milestones: each month is paid and released on its own
  const setBilling = (billing: 'one_time' | 'monthly') => setDraft((d) => ({ ...d, billing, milestones: billing === 'monthly' ? [] : d.milestones }));
  const monthly = draft.billing === 'monthly';
  const total = milestonesTotal(draft);
  const parsedAmount = tryParseMajorToMinor(draft.amount, draft.currency);

  return (
    <form className="card form propose-form" onSubmit={submit} noValidate aria-labelledby="propose-title">
      <h1 id="propose-title">Propose a collaboration</h1>
      <FormError message={mutation.error ? errorMessage(mutation.error) : null} />
      <fieldset className="field">
        <legend>Who</legend>
        <div className="radio-row">
          <label>
            <input type="radio" name="propose-who" checked={draft.mode !== 'email'} onChange={() => set('mode', 'search')} />
            Find on CollabPay
          </label>
          <label>
            <input type="radio" name="propose-who" checked={draft.mode === 'email'} onChange={() => set('mode', 'email')} />
            Invite by email
          </label>
        </div>
      </fieldset>
      {draft.mode === 'email' ? (
        <TextField
          id="propose-influencer-email"
          label="Influencer's email"
          type="email"
          autoComplete="off"
          value={draft.influencerEmail ?? ''}
          onChange={(e) => set('influencerEmail', e.target.value)}
          error={errors.influencerEmail}
          hint="Not on CollabPay yet? They see this proposal as soon as they sign up with this email."
        />
      ) : (
        <InfluencerCombobox
          id="propose-influencer"
          value={influencer}
          debounceMs={searchDebounceMs}
          error={errors.influencerId}
          onChange={(i) => {
            setInfluencer(i);
            set('influencerId', i?.id ?? '');
          }}
        />
      )}
      <TextField id="propose-title-input" label="Title" value={draft.title} onChange={(e) => set('title', e.target.value)} error={errors.title} />
      <div className="field">
        <label htmlFor="propose-description">Description (optional)</label>
        <textarea id="propose-description" rows={3} value={draft.description} onChange={(e) => set('description', e.target.value)} />
      </div>
      <fieldset className="field">
        <legend>Billing</legend>
        <div className="radio-row">
          <label>
            <input type="radio" name="propose-billing" value="one_time" checked={!monthly} onChange={() => setBilling('one_time')} />
            One-time payment
          </label>
          <label>
            <input
              type="radio"
              name="propose-billing"
              value="monthly"
              checked={monthly}
              onChange={() => setBilling('monthly')}
              aria-describedby={monthly ? 'propose-billing-hint' : undefined}
            />
            Monthly retainer
          </label>
        </div>
        {monthly && (
          <p id="propose-billing-hint" className="hint">
            The amount is charged to your saved card every month; each month is held and released on its own. Cancel any time, effective at the end of the
            month.
          </p>
        )}
      </fieldset>
      <div className="field-row">
        <TextField
          id="propose-amount"
          label={monthly ? 'Amount per month' : 'Amount'}
          inputMode="decimal"
          placeholder={draft.currency === 'jpy' ? '5000' : '1500.00'}
          value={draft.amount}
          onChange={(e) => set('amount', e.target.value)}
          error={errors.amount}
        />
        <div className="field field-narrow">
          <label htmlFor="propose-currency">Currency</label>
          <select id="propose-currency" value={draft.currency} onChange={(e) => set('currency', e.target.value)}>
            {SUPPORTED_CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
      </div>

      {!monthly && (
        <fieldset className="milestones">
          <legend>Milestones (optional)</legend>
          {draft.milestones.length === 0 && <p className="hint">Without milestones the whole amount is released at once.</p>}
          {draft.milestones.map((m, i) => {
            const fe = errors.milestoneFields?.[m.key] ?? {};
            return (
              <div className="milestone-row" key={m.key}>
                <TextField
                  id={`milestone-${m.key}-title`}
                  label={`Milestone ${i + 1} title`}
                  value={m.title}
                  onChange={(e) => updateMilestone(m.key, 'title', e.target.value)}
                  error={fe.title}
                />
                <TextField
                  id={`milestone-${m.key}-amount`}
                  label={`Milestone ${i + 1} amount`}
                  inputMode="decimal"
                  value={m.amount}
                  onChange={(e) => updateMilestone(m.key, 'amount', e.target.value)}
                  error={fe.amount}
                  fieldClassName="field-narrow"
                />
                <button type="button" className="btn btn-secondary btn-small" onClick={() => removeMilestone(m.key)}>
                  Remove milestone {i + 1}
                </button>
              </div>
            );
          })}
          {draft.milestones.length > 0 && (
            <p className="hint" aria-live="polite">
              Milestones total: {total === null ? '—' : formatMoney({ amount: total, currency: draft.currency })}
              {parsedAmount.ok && ` of ${formatMoney({ amount: parsedAmount.value, currency: draft.currency })}`}
            </p>
          )}
          {errors.milestones && (
            <p id="milestones-error" className="field-error" role="alert" tabIndex={-1}>
              {errors.milestones}
            </p>
          )}
          <button type="button" className="btn btn-secondary" onClick={addMilestone}>
            Add milestone
          </button>
        </fieldset>
      )}

      <TextField
        id="propose-review-days"
        label="Review period (days)"
        inputMode="numeric"
        value={draft.reviewPeriodDays ?? ''}
        onChange={(e) => set('reviewPeriodDays', e.target.value)}
        error={errors.reviewPeriodDays}
        hint="After the influencer submits work you have this many days to approve or ask for changes; then it is released automatically."
        fieldClassName="field-narrow"
      />

      {parsedAmount.ok && parsedAmount.value > 0 && config.data?.platformFeeBps !== undefined && (
        <FeePreview amount={parsedAmount.value} currency={draft.currency} bps={config.data.platformFeeBps} />
      )}

      <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Sending proposal…' : 'Propose collaboration'}
      </button>
    </form>
  );
}
