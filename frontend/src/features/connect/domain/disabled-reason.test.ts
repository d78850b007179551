import { describeDisabledReason, describeRequirement } from './disabled-reason';

describe('describeDisabledReason', () => {
  it('explains the reasons Stripe gives, and keeps unknown ones readable', () => {
    expect(describeDisabledReason('requirements.past_due')).toMatch(/was due/);
    expect(describeDisabledReason('something.new_reason')).toBe('something new reason');
    expect(describeDisabledReason(null)).toBeNull();
    expect(describeRequirement('individual.verification.document')).toBe('individual verification document');
  });
});
