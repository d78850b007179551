/** Connect: accounts (accounts.ts), transfers (transfers.ts) and payouts (payouts.ts). */
export * from './accounts';
export * from './transfers';
export * from './payouts';
