// A small client for the ledger's operator API (/admin), used to seed the local stack and by tests to
// arrange apps, wallets and grants and to read balances. Throws with the ledger's error code.

export class AdminApiError extends Error {
  override name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CreatedApp {
  app_id: string;
  name: string;
  key_id: string;
  api_key: string;
}

export interface WalletView {
  wallet_id: string;
  balance_micros: number;
  held_micros: number;
  available_micros: number;
}

export class AdminClient {
  constructor(
    private readonly ledgerUrl: string,
    private readonly adminToken: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.ledgerUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!response.ok) throw new AdminApiError(response.status, json.error?.code ?? 'unknown', json.error?.message ?? `HTTP ${response.status}`);
    return json as T;
  }

  createApp(name: string): Promise<CreatedApp> {
    return this.call('POST', '/admin/apps', { name });
  }

  createWallet(): Promise<WalletView> {
    return this.call('POST', '/admin/wallets', {});
  }

  /** Credits (or debits) a wallet by operator adjustment; `key` makes it idempotent. */
  adjust(walletId: string, amountMicros: number, key: string, reason = 'test credit'): Promise<unknown> {
    return this.call('POST', `/admin/wallets/${encodeURIComponent(walletId)}/adjustments`, {
      amount_micros: amountMicros,
      reason,
      idempotency_key: key,
    });
  }

  grant(walletId: string, appId: string, appUserId: string, monthlyCapMicros?: number): Promise<unknown> {
    return this.call('POST', '/admin/grants', {
      wallet_id: walletId,
      app_id: appId,
      app_user_id: appUserId,
      ...(monthlyCapMicros === undefined ? {} : { monthly_cap_micros: monthlyCapMicros }),
    });
  }

  revokeGrant(walletId: string, appId: string): Promise<unknown> {
    return this.call('DELETE', `/admin/grants/${encodeURIComponent(walletId)}/${encodeURIComponent(appId)}`);
  }

  revokeKey(appId: string, keyId: string): Promise<unknown> {
    return this.call('DELETE', `/admin/apps/${encodeURIComponent(appId)}/keys/${encodeURIComponent(keyId)}`);
  }

  wallet(walletId: string): Promise<WalletView> {
    return this.call('GET', `/admin/wallets/${encodeURIComponent(walletId)}`);
  }
}
