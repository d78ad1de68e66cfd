// What the owner flows need from the rest of the ledger, as narrow ports. The ledger core is the only
// writer of money and grants; `ledger-adapter.ts` implements LedgerPort with its operations.
import type { Entry } from '../core/entries';

export interface WalletView {
  wallet_id: string;
  balance_micros: number;
  held_micros: number;
  available_micros: number;
}

/** The fields of an entry the owner's wallet page shows, in order. */
export const OWNER_ENTRY_FIELDS = [
  'entry_id',
  'type',
  'amount_micros',
  'balance_after_micros',
  'app_id',
  'model',
  'input_tokens',
  'output_tokens',
  'created_at',
] as const satisfies readonly (keyof Entry)[];

export type EntryView = Pick<Entry, (typeof OWNER_ENTRY_FIELDS)[number]>;

export interface GrantView {
  wallet_id: string;
  app_id: string;
  status: 'active' | 'revoked';
  monthly_cap_micros: number | null;
  /** Spent in the current calendar month (UTC); 0 when the stored period is an older month. */
  spent_this_month_micros: number;
}

export interface AppView {
  app_id: string;
  name: string;
  return_origins: string[];
}

export interface DebitUpToResult {
  debited_micros: number;
  shortfall_micros: number;
}

export interface LedgerPort {
  createWallet(input: { owner_email: string }): Promise<WalletView>;
  getWallet(walletId: string): Promise<WalletView | null>;
  /** Newest first. */
  listEntries(walletId: string, page: { limit: number; cursor: string | null }): Promise<{ data: EntryView[]; next_cursor: string | null }>;
  /** Idempotent on idempotency_key: a replay returns the first entry and moves no money. */
  credit(input: { wallet_id: string; amount_micros: number; idempotency_key: string; type: 'topup' | 'adjustment'; reason: string }): Promise<EntryView>;
  /** Debits min(amount, available) as a `refund` entry; idempotent on idempotency_key. */
  debitUpTo(input: { wallet_id: string; amount_micros: number; idempotency_key: string; reason: string }): Promise<DebitUpToResult>;
  getApp(appId: string): Promise<AppView | null>;
  /** Links app_user_id to the wallet and makes the grant active with this cap (idempotent). */
  grant(input: { wallet_id: string; app_id: string; app_user_id: string; monthly_cap_micros: number | null }): Promise<void>;
  setGrantCap(input: { wallet_id: string; app_id: string; monthly_cap_micros: number | null }): Promise<void>;
  revokeGrant(input: { wallet_id: string; app_id: string }): Promise<void>;
  listGrants(walletId: string): Promise<GrantView[]>;
  getGrant(walletId: string, appId: string): Promise<GrantView | null>;
  /** The wallet an app's user is linked to, or null. */
  linkedWallet(appId: string, appUserId: string): Promise<string | null>;
}

export interface SigninMail {
  to: string;
  code: string;
  expiresAt: Date;
}

export interface Mailer {
  sendSigninCode(mail: SigninMail): Promise<void>;
}
