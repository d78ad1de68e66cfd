// The connect flow: an app asks (server to server) for permission to bill one of its users; the
// wallet owner approves (maybe with a lower monthly cap) or denies on a page; the browser returns
// to the app. Approval links the app's user id to the wallet and activates the grant.
import { randomId } from '../../../shared/api-keys';
import { FleeexError } from '../../../shared/errors';
import { CONNECT_SESSION_TTL_MS } from './limits';
import type { AppView, LedgerPort } from './ports';
import type { ConnectSessionItem, OwnerStore } from './store';

export interface CreateConnectSessionInput {
  app_id: string;
  app_user_id: string;
  return_url: string;
  monthly_cap_micros: number | null;
  state: string | null;
}

export interface ConnectStatusView {
  app_user_id: string;
  connected: boolean;
  can_spend: boolean;
  monthly_cap_micros: number | null;
  spent_this_month_micros: number;
}

/** The origin of an absolute http(s) URL without credentials, or null. */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username || parsed.password) return null;
  return parsed.origin;
}

export function returnUrlWithOutcome(returnUrl: string, status: 'approved' | 'denied', state: string | null): string {
  const url = new URL(returnUrl);
  url.searchParams.set('status', status);
  if (state !== null) url.searchParams.set('state', state);
  return url.toString();
}

export class ConnectService {
  constructor(private readonly deps: { store: OwnerStore; ledger: LedgerPort; now: () => Date; publicUrl: () => string }) {}

  async create(input: CreateConnectSessionInput): Promise<{ connect_id: string; connect_url: string; expires_at: string }> {
    const app = await this.deps.ledger.getApp(input.app_id);
    if (!app) throw new FleeexError('invalid_api_key', 'Unknown app.');
    const origin = originOf(input.return_url);
    if (origin === null || !app.return_origins.some((allowed) => originOf(allowed) === origin)) {
      throw new FleeexError('return_url_not_allowed', 'return_url must be on an origin registered for this app.', { param: 'return_url' });
    }
    const now = this.deps.now();
    const expiresAt = new Date(now.getTime() + CONNECT_SESSION_TTL_MS);
    const connectId = randomId('cs');
    await this.deps.store.putConnectSession({
      connect_id: connectId,
      app_id: input.app_id,
      app_user_id: input.app_user_id,
      return_url: input.return_url,
      monthly_cap_micros: input.monthly_cap_micros,
      state: input.state,
      status: 'pending',
      expires_at_s: Math.floor(expiresAt.getTime() / 1000),
      created_at: now.toISOString(),
    });
    return { connect_id: connectId, connect_url: `${this.deps.publicUrl()}/connect/${connectId}`, expires_at: expiresAt.toISOString() };
  }

  /** A pending, unexpired session and its app; connect_session_invalid otherwise. */
  async pending(connectId: string): Promise<{ session: ConnectSessionItem; app: AppView }> {
    const session = await this.deps.store.getConnectSession(connectId);
    if (session?.status !== 'pending' || session.expires_at_s <= Math.floor(this.deps.now().getTime() / 1000)) {
      throw new FleeexError('connect_session_invalid', 'This connect link has expired or was already used. Go back to the app and try again.');
    }
    const app = await this.deps.ledger.getApp(session.app_id);
    if (!app) throw new FleeexError('connect_session_invalid', 'The app asking for access no longer exists.');
    return { session, app };
  }

  /**
   * Records the owner's decision and returns where to send the browser. Approval may lower the
   * requested cap, never raise it (null = no cap, only when the app asked for none).
   */
  async decide(connectId: string, walletId: string, decision: 'approve' | 'deny', capMicros: number | null): Promise<string> {
    const session = await this.deps.store.getConnectSession(connectId);
    if (!session) throw new FleeexError('connect_session_invalid', 'Unknown connect link.');
    const requested = session.monthly_cap_micros;
    if (decision === 'approve' && requested !== null && (capMicros === null || capMicros > requested)) {
      throw new FleeexError('invalid_request', 'The monthly cap can only be lowered from what the app asked for.', { param: 'monthly_cap' });
    }
    const status = decision === 'approve' ? 'approved' : 'denied';
    const decided = await this.deps.store.decideConnectSession(
      connectId,
      { status, wallet_id: walletId, approved_cap_micros: decision === 'approve' ? capMicros : null },
      this.deps.now(),
    );
    if (!decided) {
      throw new FleeexError('connect_session_invalid', 'This connect link has expired or was already used. Go back to the app and try again.');
    }
    if (decision === 'approve') {
      await this.deps.ledger.grant({ wallet_id: walletId, app_id: session.app_id, app_user_id: session.app_user_id, monthly_cap_micros: capMicros });
    }
    return returnUrlWithOutcome(session.return_url, status, session.state);
  }

  /** What an app may know about its own user: connected and able to spend; never the balance. */
  async status(appId: string, appUserId: string): Promise<ConnectStatusView> {
    const none: ConnectStatusView = { app_user_id: appUserId, connected: false, can_spend: false, monthly_cap_micros: null, spent_this_month_micros: 0 };
    const walletId = await this.deps.ledger.linkedWallet(appId, appUserId);
    if (!walletId) return none;
    const grant = await this.deps.ledger.getGrant(walletId, appId);
    if (grant?.status !== 'active') return none;
    const wallet = await this.deps.ledger.getWallet(walletId);
    const capLeft = grant.monthly_cap_micros === null || grant.spent_this_month_micros < grant.monthly_cap_micros;
    return {
      app_user_id: appUserId,
      connected: true,
      can_spend: capLeft && (wallet?.available_micros ?? 0) > 0,
      monthly_cap_micros: grant.monthly_cap_micros,
      spent_this_month_micros: grant.spent_this_month_micros,
    };
  }
}
