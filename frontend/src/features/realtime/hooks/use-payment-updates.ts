import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useToast, type ToastInput } from '../../../components/toast/toast-context';
import {
  createPaymentsSocket,
  type CollaborationUpdateEvent,
  type DisputeUpdateEvent,
  type PaymentUpdateEvent,
  type PaymentsSocket,
  type PayoutUpdateEvent,
  type RetainerUpdateEvent,
  type WalletUpdateEvent,
} from '../../../lib/socket';
import { applyPaymentUpdate, applyPayoutUpdate, applyRetainerUpdate, applyWalletUpdate } from './live-cache';
import { collaborationToast, disputeToast, paymentToast, payoutToast, retainerToast, walletToast } from './realtime-messages';

export type RealtimeStatus = 'offline' | 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

const seqKey = (userId: string) => `collabpay.seq.${userId}`;

function readSeq(userId: string): number | null {
  try {
    const v = sessionStorage.getItem(seqKey(userId));
    return v === null ? null : Number(v);
  } catch {
    return null;
  }
}

function writeSeq(userId: string, seq: number) {
  try {
    sessionStorage.setItem(seqKey(userId), String(seq));
  } catch {
    /* storage unavailable */
  }
}

function notify(toast: ToastInput) {
  if (typeof window === 'undefined' || !('Notification' in window)) return;
  if (Notification.permission !== 'granted') return;
  try {
    new Notification(toast.title, { body: toast.message, tag: `collabpay-${toast.group ?? toast.title}` });
  } catch {
    /* some browsers only allow notifications from a service worker */
  }
}

/**
 * Follows the user's realtime events on the `/payments` namespace: remembers the last `seq`
 * (per user, across reloads in this tab), emits `sync {since}` on (re)connect to receive missed events,
 * drops duplicates, patches the affected TanStack queries (live-cache.ts) and shows a toast (plus a browser
 * notification when allowed). The socket (and socket.io-client itself, its own chunk) is loaded after the first render,
 * from this effect, not with the entry script.
 */
export function usePaymentUpdates(token: string | null, userId: string | null): RealtimeStatus {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [status, setStatus] = useState<RealtimeStatus>('offline');
  const toastRef = useRef(toast);
  toastRef.current = toast;

  useEffect(() => {
    if (!token || !userId) {
      setStatus('offline');
      return;
    }
    let lastSeq = readSeq(userId);
    let everConnected = false;
    // Set once the page starts to unload (e.g. Stripe.js redirecting to the result page). An event arriving then
    // would be marked seen in sessionStorage and its toast shown on a page nobody sees any more; leave it unseen
    // instead, so the next page replays it through `sync`.
    let leaving = false;
    let resumeTimer: ReturnType<typeof setTimeout> | undefined;
    let socket: PaymentsSocket | null = null;
    let cancelled = false;
    setStatus('connecting');

    const accept = (seq: number | undefined): boolean => {
      if (leaving) return false;
      if (typeof seq !== 'number') return true;
      if (lastSeq !== null && seq <= lastSeq) return false;
      lastSeq = seq;
      writeSeq(userId, seq);
      return true;
    };
    const show = (t: ToastInput | null) => {
      if (!t) return;
      // a browser notification only when a toast was actually shown (coalesced progress stays quiet)
      if (toastRef.current.push(t) !== null && !t.updateOnly) notify(t);
    };

    // Ask for the gap; the server replays in pages and acks with the count, so repeat until nothing comes back.
    const sync = (rounds = 0) => {
      if (lastSeq === null || rounds >= 20 || !socket?.connected) return;
      socket.emit('sync', { since: lastSeq }, (replayed) => {
        if (typeof replayed === 'number' && replayed > 0) sync(rounds + 1);
      });
    };

    const onLeave = () => {
      leaving = true;
      // Still here after a while: the navigation did not happen (cancelled, or a download); catch up on what was held back.
      clearTimeout(resumeTimer);
      resumeTimer = setTimeout(() => {
        leaving = false;
        sync();
      }, 3000);
    };
    const onShow = (e: PageTransitionEvent) => {
      if (!e.persisted) return;
      clearTimeout(resumeTimer);
      leaving = false;
      sync();
    };
    window.addEventListener('beforeunload', onLeave);
    window.addEventListener('pagehide', onLeave);
    window.addEventListener('pageshow', onShow);

    const attach = (s: PaymentsSocket) => {
      s.on('connect', () => {
        setStatus('connected');
        // A fresh tab with no seq seen has nothing to catch up on; otherwise (reconnect, reload) sync.
        sync();
        everConnected = true;
      });
      s.on('disconnect', (reason) => {
        // 'io server disconnect' means the server kicked us; socket.io won't retry by itself.
        if (reason === 'io server disconnect') s.connect();
        setStatus('reconnecting');
      });
      s.on('connect_error', (err) => {
        setStatus(err.message === 'unauthorized' ? 'unauthorized' : everConnected ? 'reconnecting' : 'connecting');
      });

      s.on('payment:update', (e: PaymentUpdateEvent) => {
        if (!accept(e.seq)) return;
        applyPaymentUpdate(queryClient, e);
        show(paymentToast(e));
      });
      s.on('wallet:update', (e: WalletUpdateEvent) => {
        if (!accept(e.seq)) return;
        applyWalletUpdate(queryClient, e);
        show(walletToast(e));
      });
      s.on('payout:update', (e: PayoutUpdateEvent) => {
        if (!accept(e.seq)) return;
        applyPayoutUpdate(queryClient, e);
        show(payoutToast(e));
      });

      s.on('collaboration:update', (e: CollaborationUpdateEvent) => {
        if (!accept(e.seq)) return;
        // only this collaboration and the lists that show it (a new proposal, a status change)
        void queryClient.invalidateQueries({ queryKey: ['collaborations', 'detail', e.collaborationId] });
        void queryClient.invalidateQueries({ queryKey: ['collaborations', 'list'] });
        show(collaborationToast(e));
      });
      s.on('dispute:update', (e: DisputeUpdateEvent) => {
        if (!accept(e.seq)) return;
        void queryClient.invalidateQueries({ queryKey: ['disputes', 'detail', e.disputeId] });
        void queryClient.invalidateQueries({ queryKey: ['disputes', 'list'] });
        // a dispute freezes or unfreezes milestones and the money held
        void queryClient.invalidateQueries({ queryKey: ['collaborations', 'detail', e.collaborationId] });
        if (e.status !== 'OPEN') void queryClient.invalidateQueries({ queryKey: ['payments'] });
        show(disputeToast(e));
      });
      s.on('retainer:update', (e: RetainerUpdateEvent) => {
        if (!accept(e.seq)) return;
        applyRetainerUpdate(queryClient, e);
        show(retainerToast(e));
      });
    };
    createPaymentsSocket().then(
      (s) => {
        if (cancelled) {
          s.disconnect();
          return;
        }
        socket = s;
        attach(s);
      },
      () => setStatus('reconnecting'),
    );

    return () => {
      clearTimeout(resumeTimer);
      window.removeEventListener('beforeunload', onLeave);
      window.removeEventListener('pagehide', onLeave);
      window.removeEventListener('pageshow', onShow);
      cancelled = true;
      socket?.removeAllListeners();
      socket?.disconnect();
    };
  }, [token, userId, queryClient]);

  return status;
}
