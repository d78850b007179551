import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { conflict } from '../../common/errors/app-error';
import { feeShare, formatMoney } from '../../common/money/currency';
import { CollaborationEvents } from '../collaborations/collaboration-events';
import { CollaborationRecord, CollaborationRepository, MilestoneRecord } from '../collaborations/collaboration.repository';
import { Accounts } from '../ledger/domain/accounts';
import { balanceAfterOf } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { WalletDebtService, WalletPosting } from '../ledger/wallet-debt.service';
import { WalletCreditsRepository } from '../wallet/wallet-credits.repository';
import { PaymentNotifier } from './payment-notifier';
import { transition } from './domain/payment-status.machine';
import { PaymentRecord, PaymentRepository, paymentSnapshot, reservedSnapshot } from './payment.repository';

export interface ReleaseInput {
  amount: number;
  /** milestones this release closes (marked RELEASED) */
  milestoneIds: string[];
  /** unique per effect: the journal entry's idempotency key */
  entryKey: string;
  description: string;
  /** wallet transaction text; default: "Released from “title” (…)" */
  walletDescription?: string;
  /** the milestone this release is about, for `collaboration:update` */
  milestone?: Pick<MilestoneRecord, 'id'>;
  message?: string;
}

/**
 * Moving held money to the influencer's wallet: the one implementation behind the release route, milestone
 * approval, auto-release and a dispute's release share. Callers hold the payment row lock and have checked that
 * nothing is frozen. Journal entry escrow → wallet (+ fee revenue), payment amounts, milestones, collaboration
 * status, debt repayment and the events, all in the caller's transaction.
 */
@Injectable()
export class EscrowReleaseService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly payments: PaymentRepository,
    private readonly collaborations: CollaborationRepository,
    private readonly events: CollaborationEvents,
    private readonly debt: WalletDebtService,
    private readonly notifier: PaymentNotifier,
    private readonly credits: WalletCreditsRepository,
  ) {}

  /** The open dispute of a collaboration (mediation), if any: it freezes the money it covers. */
  async openDispute(em: EntityManager, collaborationId: string): Promise<{ id: string; milestoneId: string | null } | null> {
    const rows = await em.query(`SELECT id, milestone_id AS "milestoneId" FROM disputes WHERE collaboration_id = $1 AND status = 'OPEN'`, [collaborationId]);
    return rows[0] ?? null;
  }

  /** 409 DISPUTE_OPEN when a dispute freezes this milestone (or, without one, any money of the collaboration). */
  async assertNotFrozen(em: EntityManager, collaborationId: string, milestoneId?: string): Promise<void> {
    const d = await this.openDispute(em, collaborationId);
    if (d && (!milestoneId || !d.milestoneId || d.milestoneId === milestoneId))
      throw conflict('DISPUTE_OPEN', 'A dispute is open on this collaboration: the money it covers is frozen until the dispute ends', { disputeId: d.id });
  }

  async release(em: EntityManager, c: CollaborationRecord, p: PaymentRecord, input: ReleaseInput): Promise<PaymentRecord> {
    const { amount } = input;
    // checked against what is held and not reserved by a refund waiting for Stripe; applied to the real figures
    const check = transition(reservedSnapshot(p), { type: 'RELEASE', amount });
    if (check.kind === 'reject') throw conflict(check.code, check.message);
    if (check.kind === 'ignore') throw conflict('PAYMENT_NOT_HELD', check.reason);
    const d = transition(paymentSnapshot(p), { type: 'RELEASE', amount });
    if (d.kind !== 'apply') throw conflict('PAYMENT_NOT_HELD', 'This payment holds nothing to release');
    const fee = feeShare(p.amount, p.platformFee, p.amountReleased, amount);
    const net = amount - fee;
    const posted = await this.ledger.post(em, {
      type: 'release',
      referenceType: 'payment',
      referenceId: p.id,
      description: input.description,
      idempotencyKey: input.entryKey,
      lines: [
        { account: Accounts.escrow(p.id), currency: p.currency, amount },
        { account: Accounts.walletAvailable(p.influencerId), currency: p.currency, amount: -net },
        { account: Accounts.feeRevenue, currency: p.currency, amount: -fee },
      ],
    });
    if (!posted) throw conflict('RELEASE_IN_PROGRESS', 'This release was already recorded');
    await this.collaborations.markMilestones(em, input.milestoneIds, 'RELEASED');
    const updated = await this.payments.update(em, p.id, {
      status: d.next.status,
      amountReleased: d.next.amountReleased,
      feeRecognized: p.feeRecognized + fee,
      ...(d.next.status === 'RELEASED' ? { releasedAt: 'now' as const } : {}),
    });
    const retainer = c.billing === 'monthly';
    // a retainer goes on after one month is released; it ends with its subscription
    const status = d.next.status === 'RELEASED' && !retainer ? 'COMPLETED' : c.status;
    if (status !== c.status) await this.collaborations.setStatus(em, c.id, 'COMPLETED', 'completed');
    const money = formatMoney({ amount, currency: p.currency });
    await this.notifier.parties(em, updated, `${money} released to the influencer's wallet`);
    await this.events.notify(
      em,
      { ...c, status },
      input.message ?? `${money} released`,
      input.milestone ? { id: input.milestone.id, status: 'RELEASED' } : undefined,
    );
    const walletLine = posted.lines.find((l) => l.account === Accounts.walletAvailable(p.influencerId))!;
    await this.creditWallet(em, p, posted.entryId, {
      id: posted.entryId,
      type: 'credit',
      amount: net,
      currency: p.currency,
      balanceAfter: balanceAfterOf(walletLine),
      description: input.walletDescription ?? `Released from “${c.title}” (${money} less ${formatMoney({ amount: fee, currency: p.currency })} platform fee)`,
    });
    return updated;
  }

  /**
   * After a credit of a payment's money to the influencer's wallet (same transaction as its entry): records where
   * it came from (a wallet credit, paid out later against the payment's charge), sends its `wallet:update`, then
   * repays any debt first (its own entry and update) and closes that much of the credits: money that repaid a
   * clawback's debt is never paid out.
   */
  async creditWallet(em: EntityManager, p: Pick<PaymentRecord, 'id' | 'influencerId' | 'stripeChargeId'>, key: string, credit: WalletPosting): Promise<void> {
    const { influencerId: userId } = p;
    await this.credits.record(em, {
      userId,
      currency: credit.currency,
      amount: credit.amount,
      paymentId: p.id,
      stripeChargeId: p.stripeChargeId,
      entryId: credit.id,
    });
    await this.notifier.wallet(em, userId, credit.currency, credit);
    const repayment = await this.debt.repay(em, userId, credit.currency, key);
    if (!repayment) return;
    await this.credits.remove(em, userId, credit.currency, repayment.amount, p.id);
    await this.notifier.wallet(em, userId, credit.currency, repayment);
  }
}
