import { accountFacts, deriveConnectStatus } from './connect-status';

describe('deriveConnectStatus', () => {
  const base = {
    payoutsEnabled: false,
    detailsSubmitted: false,
    disabledReason: 'requirements.past_due',
    currentlyDue: ['external_account'],
    pastDue: [],
    currentDeadline: null,
  };

  it('NOT_STARTED without an account', () => expect(deriveConnectStatus(null)).toBe('NOT_STARTED'));
  it('PENDING while onboarding is not finished', () => expect(deriveConnectStatus(base)).toBe('PENDING'));
  it('ACTIVE once payouts are enabled and nothing disables the account', () =>
    expect(deriveConnectStatus({ ...base, payoutsEnabled: true, detailsSubmitted: true, disabledReason: null, currentlyDue: [] })).toBe('ACTIVE'));
  it('ACTIVE even with requirements due by a future deadline', () =>
    expect(deriveConnectStatus({ ...base, payoutsEnabled: true, detailsSubmitted: true, disabledReason: null, currentlyDue: ['individual.id_number'] })).toBe(
      'ACTIVE',
    ));
  it('PENDING while Stripe verifies submitted details', () =>
    expect(deriveConnectStatus({ ...base, detailsSubmitted: true, disabledReason: 'requirements.pending_verification' })).toBe('PENDING'));
  it('RESTRICTED when submitted but disabled', () => {
    expect(deriveConnectStatus({ ...base, detailsSubmitted: true, disabledReason: 'requirements.past_due' })).toBe('RESTRICTED');
    expect(deriveConnectStatus({ ...base, detailsSubmitted: true, disabledReason: 'rejected.fraud' })).toBe('RESTRICTED');
    expect(deriveConnectStatus({ ...base, payoutsEnabled: true, detailsSubmitted: true, disabledReason: 'rejected.other' })).toBe('RESTRICTED');
  });
  it('reads the facts from a Stripe account', () =>
    expect(accountFacts({ payouts_enabled: true, details_submitted: true, requirements: { disabled_reason: null, currently_due: [] } })).toEqual({
      payoutsEnabled: true,
      detailsSubmitted: true,
      disabledReason: null,
      currentlyDue: [],
      pastDue: [],
      currentDeadline: null,
    }));
  it('keeps the deadline and what is past due', () =>
    expect(
      accountFacts({
        payouts_enabled: false,
        details_submitted: true,
        requirements: {
          disabled_reason: 'requirements.past_due',
          currently_due: ['individual.id_number'],
          past_due: ['individual.id_number'],
          current_deadline: 1900000000,
        },
      }),
    ).toMatchObject({ pastDue: ['individual.id_number'], currentDeadline: 1900000000, disabledReason: 'requirements.past_due' }));
});
