import { balanceAfterOf } from '../ledger/ledger.repository';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth/auth.types';
import { inTransaction } from '../../common/database/transaction';
import { AppError, conflict, notFound } from '../../common/errors/app-error';
import { assertValidAmount, currencyInfo, formatMoney } from '../../common/money/currency';
import { decodeCursor, Page, toPage } from '../../common/pagination/pagination';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/env.schema';
import { ConnectService } from '../connect/connect.service';
import { Accounts } from '../ledger/domain/accounts';
import { LedgerService } from '../ledger/ledger.service';
import { WalletDebtService } from '../ledger/wallet-debt.service';
import { OutboxService } from '../outbox/outbox.service';
import { PaymentsService } from '../payments/payments.service';
import { PayoutExecutionService } from './payout-execution.service';
import { PayoutRecord, PayoutRepository } from './payout.repository';
import { availability } from '../wallet/domain/payout-allocation';
import { WalletCreditsRepository } from '../wallet/wallet-credits.repository';
import { WalletFundsService } from '../wallet/wallet-funds.service';
import { PayoutStateService } from './payout-state.service';
import { PayoutView, toPayoutView } from './payout.view';

/**
 * Payout requests from the wallet. The request is accepted in one transaction that records the payout, moves
 * the amount from the wallet to `payouts:in_transit` (the ledger's CHECK makes an overdraft impossible, whatever
 * the concurrency) and draws it from the wallet's credits whose charges' funds are available at Stripe (FIFO);
 * the money then moves at Stripe (PayoutExecutionService), right after commit, outside any lock.
 */
@Injectable()
export class PayoutsService {
  private readonly logger = new Logger(PayoutsService.name);

  constructor(
    private readonly ds: DataSource,
    private readonly repo: PayoutRepository,
    private readonly ledger: LedgerService,
    private readonly debt: WalletDebtService,
    private readonly state: PayoutStateService,
    private readonly execution: PayoutExecutionService,
    private readonly connect: ConnectService,
    private readonly payments: PaymentsService,
    private readonly outbox: OutboxService,
    private readonly credits: WalletCreditsRepository,
    private readonly funds: WalletFundsService,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async request(user: AuthUser, amount: number, currency: string): Promise<PayoutView> {
    const cur = currencyInfo(String(currency).toLowerCase()).code;
    assertValidAmount(amount, cur, { min: this.cfg.payoutMinAmount });
    const account = await this.connect.payoutAccount(user.id);
    if (!account) throw conflict('PAYOUTS_NOT_ENABLED', 'Complete your payout account setup (Connect onboarding) before requesting a payout');
    // what Stripe lets us pay out depends on the charges behind the wallet: ask Stripe (outside any transaction)
    await this.funds.refresh(user.id);
    let payout: PayoutRecord;
    try {
      payout = await this.reserve(user, amount, cur, account.stripeAccountId);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'FUNDS_NOT_YET_AVAILABLE') throw e;
      // our copy of a charge's funds may be a few seconds old: re-read every pending one, then decide
      await this.funds.refresh(user.id, true);
      payout = await this.reserve(user, amount, cur, account.stripeAccountId);
    }
    this.outbox.notifyCommitted();
    // Move the money now; if Stripe does not answer clearly, the payout stays PENDING for reconciliation.
    const after = await this.execution.execute(payout.id).catch((e) => {
      this.logger.error(`payout ${payout.id} execution crashed (reconciliation will resume it): ${(e as Error).message}`);
      return null;
    });
    return toPayoutView(after ?? payout);
  }

  /**
   * One transaction: the payout row, the wallet debit (the ledger's CHECK refuses an overdraft: INSUFFICIENT_FUNDS)
   * and the credits it draws on, first-in first-out over those Stripe lets us pay out now (FUNDS_NOT_YET_AVAILABLE
   * otherwise, naming when more becomes payable). No Stripe call happens here.
   */
  private async reserve(user: AuthUser, amount: number, cur: string, stripeAccountId: string): Promise<PayoutRecord> {
    return inTransaction(this.ds, async (em) => {
      // a debt left by a clawback is repaid from later earnings, never by paying out first (locks the wallet)
      if ((await this.debt.lockedBalances(em, user.id, cur)).owed > 0)
        throw conflict('BALANCE_OWED', 'You owe CollabPay money after a clawback: payouts resume once your next earnings have repaid it');
      const p = await this.repo.insert(em, { userId: user.id, amount, currency: cur, stripeAccountId });
      const description = `Payout of ${formatMoney({ amount, currency: cur })} to your bank account`;
      // throws 409 INSUFFICIENT_FUNDS (and rolls the payout row back) when the wallet does not hold the amount
      const posted = await this.ledger.post(em, {
        type: 'payout_requested',
        referenceType: 'payout',
        referenceId: p.id,
        description,
        idempotencyKey: `payout:${p.id}:requested`,
        lines: [
          { account: Accounts.walletAvailable(user.id), currency: cur, amount },
          { account: Accounts.payoutsInTransit(user.id), currency: cur, amount: -amount },
        ],
      });
      const parts = await this.credits.draw(em, p.id, user.id, cur, amount);
      if (!parts) {
        const open = await this.credits.open(user.id, cur, em);
        const a = availability(open);
        const when = a.nextAvailableOn ? ` More becomes available on ${a.nextAvailableOn.toISOString().slice(0, 10)}.` : '';
        throw conflict(
          'FUNDS_NOT_YET_AVAILABLE',
          `Only ${formatMoney({ amount: a.availableForPayout, currency: cur })} of your balance can be paid out now: Stripe has not made the rest of the payments' funds available yet.${when}`,
          { availableForPayout: a.availableForPayout, nextAvailableOn: a.nextAvailableOn ? a.nextAvailableOn.toISOString() : null },
        );
      }
      const walletLine = posted!.lines.find((l) => l.account === Accounts.walletAvailable(user.id))!;
      await this.state.notify(em, p);
      await this.payments.notifyWallet(em, user.id, cur, {
        id: posted!.entryId,
        type: 'debit',
        amount,
        currency: cur,
        balanceAfter: balanceAfterOf(walletLine),
        description,
      });
      return p;
    });
  }

  async list(user: AuthUser, limit = 20, cursor?: string, status?: string): Promise<Page<PayoutView>> {
    const after = decodeCursor(cursor);
    const rows = await this.repo.listForUser(user.id, limit, after, status);
    const page = toPage(rows, limit, (r) => ({ createdAt: new Date(r.requestedAt), id: r.id }));
    return { data: page.data.map(toPayoutView), nextCursor: page.nextCursor };
  }

  async get(user: AuthUser, id: string): Promise<PayoutView> {
    const p = await this.repo.findById(id);
    if (!p || p.userId !== user.id) throw notFound('PAYOUT_NOT_FOUND', 'Payout not found');
    return toPayoutView(p);
  }
}
