import { io, Socket } from 'socket.io-client';
import { createTestContext, eventually, TestContext, TestUser } from '../support/test-app';
import { approve, funded, submit } from './support';

/** collaboration:update and dispute:update reach both parties live, after commit, with their seq. */
describe('workflow: live events', () => {
  let ctx: TestContext;
  let company: TestUser;
  let influencer: TestUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ctx = await createTestContext({ label: 'wf-live' });
    [company, influencer] = await Promise.all([ctx.user('company'), ctx.user('influencer')]);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await ctx?.close();
  });

  async function listen(u: TestUser) {
    const got: Array<{ event: string; data: any }> = [];
    const socket = io(`${ctx.baseUrl}/payments`, { auth: { token: u.token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    for (const event of ['collaboration:update', 'dispute:update']) socket.on(event, (data) => got.push({ event, data }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return got;
  }

  it('propose → accept → submit → approve, and a dispute opened and withdrawn: both parties see each step live', async () => {
    const [forCompany, forInfluencer] = await Promise.all([listen(company), listen(influencer)]);
    const { collaboration: c, milestones } = await funded(ctx, company, influencer, {
      amount: 10000,
      milestones: [
        { title: 'a', amount: 4000 },
        { title: 'b', amount: 6000 },
      ],
    });
    await submit(ctx, influencer, c.id, milestones[0].id);
    await approve(ctx, company, c.id, milestones[0].id);
    const d = await ctx.http.post(
      `/api/collaborations/${c.id}/disputes`,
      { milestoneId: milestones[1].id, reason: 'scope', details: 'x' },
      { token: company.token },
    );
    await ctx.http.post(`/api/disputes/${d.body.id}/withdraw`, {}, { token: company.token });
    for (const got of [forCompany, forInfluencer]) {
      await eventually(() => got.filter((g) => g.event === 'dispute:update').length === 2, 10_000, 'dispute events');
      await eventually(() => got.filter((g) => g.event === 'collaboration:update').length >= 4, 10_000, 'collaboration events');
      const collab = got.filter((g) => g.event === 'collaboration:update').map((g) => g.data);
      expect(collab.map((e) => [e.status, e.milestoneStatus ?? null])).toEqual([
        ['PROPOSED', null],
        ['ACCEPTED', null],
        ['ACTIVE', 'SUBMITTED'],
        ['ACTIVE', 'RELEASED'],
      ]);
      expect(collab.every((e) => e.collaborationId === c.id && typeof e.seq === 'number' && typeof e.timestamp === 'string' && e.message)).toBe(true);
      const disputes = got.filter((g) => g.event === 'dispute:update').map((g) => g.data);
      expect(disputes.map((e) => e.status)).toEqual(['OPEN', 'WITHDRAWN']);
      expect(disputes[0]).toMatchObject({ disputeId: d.body.id, collaborationId: c.id });
      const seqs = got.map((g) => g.data.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    }
  });
});
