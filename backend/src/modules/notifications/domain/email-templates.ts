import { formatMoney } from '../../../common/money/currency';
import { EMAIL_KINDS, EmailKind } from './email-kinds';

export interface RenderInput {
  kind: EmailKind;
  payload: Record<string, unknown>;
  recipient: { name: string; role: string };
  appUrl: string;
  unsubscribeUrl: string;
  preferencesUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function money(p: Record<string, unknown>): string {
  const amount = Number(p.amount);
  const currency = str(p.currency);
  return Number.isSafeInteger(amount) && currency ? formatMoney({ amount, currency }) : '';
}

/** Subject, first paragraph, the button's words and where it leads — in words people use, not status codes. */
function content(i: RenderInput): { subject: string; lead: string; action: string; path: string } {
  const p = i.payload;
  const amount = money(p);
  const collab = str(p.collaborationId);
  const title = str(p.title);
  switch (i.kind) {
    case 'collaboration_proposed':
      return {
        subject: `New collaboration proposal${title ? `: ${title}` : ''}`,
        lead: `${str(p.companyName) || 'A company'} proposes a paid collaboration${amount ? ` worth ${amount}` : ''}. Have a look and accept or decline.`,
        action: 'View the proposal',
        path: `/collaborations/${collab}`,
      };
    case 'payment_held':
      return {
        subject: `Payment of ${amount} is held by CollabPay`,
        lead:
          i.recipient.role === 'influencer'
            ? `The company has paid ${amount}. CollabPay holds it and releases it to your wallet when your work is approved.`
            : `Your payment of ${amount} went through. CollabPay holds it until you approve the work.`,
        action: 'Open the collaboration',
        path: `/collaborations/${collab}`,
      };
    case 'milestone_submitted':
      return {
        subject: 'Work submitted for your review',
        lead: `The influencer submitted work${title ? ` for “${title}”` : ''}. Approve it to release the money, or ask for changes. Without an answer it is released automatically when the review period ends.`,
        action: 'Review the work',
        path: `/collaborations/${collab}`,
      };
    case 'changes_requested':
      return {
        subject: 'Changes requested',
        lead: `The company asks for changes${title ? ` to “${title}”` : ''}: ${str(p.message)}`,
        action: 'See what to change',
        path: `/collaborations/${collab}`,
      };
    case 'auto_release_soon':
      return {
        subject: 'Money is released automatically soon',
        lead: `The review period${title ? ` of “${title}”` : ''} ends ${str(p.reviewDueAt) ? `on ${new Date(str(p.reviewDueAt)).toUTCString()}` : 'soon'}; then the money for this work goes to the influencer. Approve it, or ask for changes before then.`,
        action: 'Review now',
        path: `/collaborations/${collab}`,
      };
    case 'payment_released':
      return {
        subject: `${amount} released${i.recipient.role === 'influencer' ? ' to your wallet' : ''}`,
        lead: str(p.message) || `Money was released for a collaboration.`,
        action: 'Open your wallet',
        path: i.recipient.role === 'influencer' ? '/wallet' : `/collaborations/${collab}`,
      };
    case 'dispute_update':
      return {
        subject: 'Update on a dispute',
        lead: str(p.message) || 'There is news on a dispute about a collaboration.',
        action: 'Open the dispute',
        path: str(p.disputeId) ? `/disputes/${str(p.disputeId)}` : `/collaborations/${collab}`,
      };
    case 'payout_paid':
      return {
        subject: `Payout of ${amount} is on its way to your bank`,
        lead: str(p.message) || `Your payout of ${amount} was paid.`,
        action: 'See your payouts',
        path: '/wallet',
      };
    case 'payout_failed':
      return {
        subject: `Payout of ${amount} failed`,
        lead: `${str(p.message) || `Your payout of ${amount} failed.`} Check your bank details with Stripe, then try again.`,
        action: 'Fix it in your wallet',
        path: '/wallet',
      };
    case 'requirements_due':
      return {
        subject: 'Stripe needs a few details before your next payout',
        lead: `Stripe asks for more information${str(p.deadline) ? ` by ${new Date(Number(p.deadline) * 1000).toUTCString()}` : ''}. ${Array.isArray(p.pastDue) && p.pastDue.length ? 'Your payouts are paused until you provide it.' : 'Until then payouts may be paused.'}`,
        action: 'Update your details',
        path: '/wallet',
      };
  }
}

export function renderEmail(i: RenderInput): RenderedEmail {
  const c = content(i);
  const link = `${i.appUrl.replace(/\/$/, '')}${c.path}`;
  const why = `You get this email because “${EMAIL_KINDS[i.kind]}” is switched on in your CollabPay notification settings.`;
  const text = [
    `Hi ${i.recipient.name},`,
    '',
    c.lead,
    '',
    `${c.action}: ${link}`,
    '',
    '— CollabPay',
    '',
    why,
    `Unsubscribe from these emails: ${i.unsubscribeUrl}`,
    `All notification settings: ${i.preferencesUrl}`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1a1f36;max-width:560px;margin:0 auto;padding:24px">
<p>Hi ${esc(i.recipient.name)},</p>
<p>${esc(c.lead)}</p>
<p><a href="${esc(link)}" style="display:inline-block;background:#4f46e5;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${esc(c.action)}</a></p>
<p>— CollabPay</p>
<hr style="border:none;border-top:1px solid #e3e8ee">
<p style="font-size:12px;color:#697386">${esc(why)} <a href="${esc(i.unsubscribeUrl)}">Unsubscribe</a> · <a href="${esc(i.preferencesUrl)}">Notification settings</a></p>
</body></html>`;
  return { subject: c.subject, text, html };
}
