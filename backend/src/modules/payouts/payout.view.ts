import type { PayoutRecord } from './payout.repository';

export interface PayoutView {
  id: string;
  amount: number;
  currency: string;
  status: string;
  failureCode?: string;
  failureMessage?: string;
  requestedAt: string;
  completedAt?: string;
  failedAt?: string;
  updatedAt: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toPayoutView(p: PayoutRecord): PayoutView {
  return {
    id: p.id,
    amount: Number(p.amount),
    currency: p.currency,
    status: p.status,
    ...(p.failureCode ? { failureCode: p.failureCode } : {}),
    ...(p.failureMessage ? { failureMessage: p.failureMessage } : {}),
    requestedAt: iso(p.requestedAt),
    ...(p.completedAt ? { completedAt: iso(p.completedAt) } : {}),
    ...(p.failedAt ? { failedAt: iso(p.failedAt) } : {}),
    updatedAt: iso(p.updatedAt),
  };
}
