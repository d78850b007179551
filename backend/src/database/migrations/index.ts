import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { OutboxNotify1795345160785 } from './1795345160785-outbox-notify';
import { Billing1795345269198 } from './1795345269198-billing';
import { WalletConnectPayouts1795345294948 } from './1795345294948-wallet-connect-payouts';
import { UntrackedPlatformBalances1795400000000 } from './1795400000000-untracked-platform-balances';
import { OutboxSeqAtRelay1795400000001 } from './1795400000001-outbox-seq-at-relay';
import { RevokedTokens1795450000000 } from './1795450000000-revoked-tokens';
import { EmailNotifications1795500000000 } from './1795500000000-email-notifications';
import { PayoutSources1795500013700 } from './1795500013700-payout-sources';
import { RetentionIndexes1795600000000 } from './1795600000000-retention-indexes';
import { CollaborationWorkflow1796000000000 } from './1796000000000-collaboration-workflow';
import { Refunds1796100000000 } from './1796100000000-refunds';
import { RetainerSyncOutsideLocks1796100000001 } from './1796100000001-retainer-sync-outside-locks';
import { ClawbackRequests1796200000000 } from './1796200000000-clawback-requests';
import { RelayMembers1796200000017 } from './1796200000017-relay-members';
import { WebhookBatchClaims1796300000000 } from './1796300000000-webhook-batch-claims';
import { OutboxNotifyAfterCommit1796300000001 } from './1796300000001-outbox-notify-after-commit';
import { HotApplyUpdates1796400000000 } from './1796400000000-hot-apply-updates';
import { LeanerApplyIndexes1796400000001 } from './1796400000001-leaner-apply-indexes';
import { OutboxSentWatermark1796500000000 } from './1796500000000-outbox-sent-watermark';
import { PaymentCharges1796600000000 } from './1796600000000-payment-charges';

/** Every migration, in order. Add new ones at the end (never edit one that has shipped). */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  OutboxNotify1795345160785,
  Billing1795345269198,
  WalletConnectPayouts1795345294948,
  UntrackedPlatformBalances1795400000000,
  OutboxSeqAtRelay1795400000001,
  RevokedTokens1795450000000,
  EmailNotifications1795500000000,
  PayoutSources1795500013700,
  RetentionIndexes1795600000000,
  CollaborationWorkflow1796000000000,
  Refunds1796100000000,
  RetainerSyncOutsideLocks1796100000001,
  ClawbackRequests1796200000000,
  RelayMembers1796200000017,
  WebhookBatchClaims1796300000000,
  OutboxNotifyAfterCommit1796300000001,
  HotApplyUpdates1796400000000,
  LeanerApplyIndexes1796400000001,
  OutboxSentWatermark1796500000000,
  PaymentCharges1796600000000,
];
