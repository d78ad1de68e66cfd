// LedgerPort over the ledger core (LedgerService): the owner flows move money and grants only
// through the core's operations.
import { FleeexError } from '../../../shared/errors';
import { capPeriod } from '../core/clock';
import { type Entry, pickEntryFields } from '../core/entries';
import type { Grant } from '../core/grants';
import type { LedgerService } from '../core/service';
import { type AppView, type EntryView, type GrantView, type LedgerPort, OWNER_ENTRY_FIELDS, type WalletView } from './ports';

function isNotFound(error: unknown): boolean {
  return error instanceof FleeexError && error.code === 'not_found';
}

async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function walletView(wallet: WalletView): WalletView {
  return {
    wallet_id: wallet.wallet_id,
    balance_micros: wallet.balance_micros,
    held_micros: wallet.held_micros,
    available_micros: wallet.available_micros,
  };
}

function ownerEntryView(entry: Entry): EntryView {
  return pickEntryFields(entry, OWNER_ENTRY_FIELDS);
}

export class CoreLedgerAdapter implements LedgerPort {
  constructor(private readonly core: LedgerService) {}

  private grantView(grant: Grant): GrantView {
    // A grant whose stored period is an earlier month has spent nothing this month yet.
    const current = grant.cap_period >= capPeriod(this.core.clock());
    return {
      wallet_id: grant.wallet_id,
      app_id: grant.app_id,
      status: grant.status,
      monthly_cap_micros: grant.monthly_cap_micros,
      spent_this_month_micros: current ? grant.cap_spent_micros : 0,
    };
  }

  async createWallet(input: { owner_email: string }): Promise<WalletView> {
    return walletView(await this.core.wallets.create({ owner_email: input.owner_email }));
  }

  async getWallet(walletId: string): Promise<WalletView | null> {
    const wallet = await orNull(this.core.wallets.get(walletId));
    return wallet ? walletView(wallet) : null;
  }

  async listEntries(walletId: string, page: { limit: number; cursor: string | null }): Promise<{ data: EntryView[]; next_cursor: string | null }> {
    const result = await this.core.wallets.entries(walletId, page.limit, page.cursor);
    return {
      data: result.data.map(ownerEntryView),
      next_cursor: result.next_cursor,
    };
  }

  async credit(input: { wallet_id: string; amount_micros: number; idempotency_key: string; type: 'topup' | 'adjustment'; reason: string }): Promise<EntryView> {
    const posted = await this.core.wallets.credit(input.wallet_id, input.amount_micros, input.idempotency_key, input.type, { reason: input.reason });
    return ownerEntryView(posted.result);
  }

  async debitUpTo(input: { wallet_id: string; amount_micros: number; idempotency_key: string; reason: string }) {
    const posted = await this.core.wallets.debitUpTo(input.wallet_id, input.amount_micros, input.idempotency_key, 'refund', { reason: input.reason });
    return { debited_micros: posted.result.debited_micros, shortfall_micros: posted.result.shortfall_micros };
  }

  async getApp(appId: string): Promise<AppView | null> {
    const app = await orNull(this.core.apps.get(appId));
    return app ? { app_id: app.app_id, name: app.name, return_origins: app.return_origins } : null;
  }

  async grant(input: { wallet_id: string; app_id: string; app_user_id: string; monthly_cap_micros: number | null }): Promise<void> {
    await this.core.grants.grant(input);
  }

  async setGrantCap(input: { wallet_id: string; app_id: string; monthly_cap_micros: number | null }): Promise<void> {
    await this.core.grants.setCap(input.wallet_id, input.app_id, input.monthly_cap_micros);
  }

  async revokeGrant(input: { wallet_id: string; app_id: string }): Promise<void> {
    await this.core.grants.revoke(input.wallet_id, input.app_id);
  }

  async listGrants(walletId: string): Promise<GrantView[]> {
    return (await this.core.grants.list(walletId)).map((grant) => this.grantView(grant));
  }

  async getGrant(walletId: string, appId: string): Promise<GrantView | null> {
    const grant = await this.core.grants.get(walletId, appId);
    return grant ? this.grantView(grant) : null;
  }

  async linkedWallet(appId: string, appUserId: string): Promise<string | null> {
    try {
      return await this.core.grants.linkedWallet(appId, appUserId);
    } catch (error) {
      if (error instanceof FleeexError && error.code === 'wallet_not_authorized') return null;
      throw error;
    }
  }
}
