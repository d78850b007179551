import type { AuthUser } from '../auth/auth.types';
import { AccessAction, allowed, authorize, NotFound } from './access.policy';

const company: AuthUser = { id: 'c1', email: 'c@x', role: 'company' };
const otherCompany: AuthUser = { id: 'c2', email: 'c2@x', role: 'company' };
const influencer: AuthUser = { id: 'i1', email: 'i@x', role: 'influencer' };
const otherInfluencer: AuthUser = { id: 'i2', email: 'i2@x', role: 'influencer' };
const admin: AuthUser = { id: 'a1', email: 'a@x', role: 'admin' };
const r = { companyId: 'c1', influencerId: 'i1' };
const invited = { companyId: 'c1', influencerId: null };

describe('access policy', () => {
  const table: Array<[AccessAction, AuthUser[], AuthUser[]]> = [
    ['view', [company, influencer, admin], [otherCompany, otherInfluencer]],
    ['company', [company], [influencer, admin, otherCompany, otherInfluencer]],
    ['influencer', [influencer], [company, admin, otherCompany, otherInfluencer]],
    ['party', [company, influencer], [admin, otherCompany, otherInfluencer]],
    ['party-or-admin', [company, influencer, admin], [otherCompany, otherInfluencer]],
  ];
  it.each(table)('%s: allowed for the right users only', (action, yes, no) => {
    for (const u of yes) expect({ u: u.id, ok: allowed(u, r, action) }).toEqual({ u: u.id, ok: true });
    for (const u of no) expect({ u: u.id, ok: allowed(u, r, action) }).toEqual({ u: u.id, ok: false });
  });

  it('an invitation without influencer is nobody’s as influencer (a null id never matches)', () => {
    const nobody = { ...otherInfluencer, id: null as unknown as string };
    expect(allowed(nobody, invited, 'influencer')).toBe(false);
    expect(allowed(nobody, invited, 'view')).toBe(false);
    expect(allowed(company, invited, 'view')).toBe(true);
  });

  it('authorize answers the resource’s own 404 for missing and foreign resources alike', () => {
    expect(authorize(company, r, 'company')).toBe(r);
    for (const res of [null, r]) {
      try {
        authorize(otherCompany, res, 'view', NotFound.collaboration);
        throw new Error('allowed');
      } catch (e) {
        expect((e as { code?: string }).code).toBe('COLLABORATION_NOT_FOUND');
      }
    }
  });
});
