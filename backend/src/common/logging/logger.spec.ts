import { redact } from './logger';

describe('log redaction', () => {
  it('masks secrets, tokens, client secrets and card numbers', () => {
    const line = redact(
      'key sk_test_51Habc123 whsec_abcdef pi_123_secret_456 card 4242 4242 4242 4242 jwt eyJhbGciOi.eyJzdWIi.sig "password":"hunter22" postgres://u:pw@h/db',
    );
    expect(line).not.toMatch(/51Habc123|abcdef|_secret_456|4242 4242|hunter22|:pw@/);
    expect(line).toContain('<card-number>');
  });
});
