// GET /wallet, POST /wallet/topups, POST /wallet/grants/{app_id}/cap and /revoke.
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { FleeexError } from '../../../../shared/errors';
import { MoneyError, parseEur } from '../../../../shared/money';
import { usesLocalCheckout } from '../../owner/config';
import { issueCsrfToken, verifyCsrf } from '../../owner/http';
import { MONTHLY_CAP_MAX_MICROS, WALLET_PAGE_ENTRIES } from '../../owner/limits';
import type { OwnerServices } from '../../owner/services';
import type { SessionItem } from '../../owner/store';
import { LOCAL_PAYMENTS_BANNER } from '../checkout';
import { currentSession, errorPage, formOf, redirectToSignin } from '../respond';
import { WalletPage } from '../wallet';

const NOTICES: Record<string, string> = {
  topup_returned: 'Thanks! Your balance updates as soon as the payment is confirmed.',
  topup_cancelled: 'The top-up was cancelled. Nothing was charged.',
  cap_saved: 'Monthly cap saved.',
  revoked: 'Access revoked. The app can no longer charge this wallet.',
};

const AppIdParam = z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/);
const CursorParam = z.string().max(32).regex(/^\d+$/).optional();

/** A EUR amount typed by a person: "15", "15.5", "15,50"; exact, never rounded. */
export function parseTypedEur(text: string): number {
  const normalised = text.trim().replace(',', '.');
  try {
    return parseEur(normalised);
  } catch (error) {
    if (error instanceof MoneyError) throw new FleeexError('invalid_request', 'Enter an amount in euros, like 15 or 15.50.', { param: 'amount' });
    throw error;
  }
}

/** Empty: no cap. Otherwise a non-negative EUR amount up to the maximum. */
export function parseCap(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const micros = parseTypedEur(text);
  if (micros < 0 || micros > MONTHLY_CAP_MAX_MICROS) throw new FleeexError('invalid_request', 'The monthly cap must be between €0 and €100,000.', { param: 'monthly_cap' });
  return micros;
}

async function renderWallet(c: Context, services: OwnerServices, session: SessionItem, extra: { error?: string; status?: 400 | 429 } = {}) {
  const cursor = CursorParam.safeParse(c.req.query('cursor'));
  const walletId = session.wallet_id;
  const [wallet, grants, entries] = await Promise.all([
    services.ledger.getWallet(walletId),
    services.ledger.listGrants(walletId),
    services.ledger.listEntries(walletId, { limit: WALLET_PAGE_ENTRIES, cursor: cursor.success ? (cursor.data ?? null) : null }),
  ]);
  if (!wallet) throw new Error(`wallet ${walletId} of a signed-in owner is missing`);
  const appIds = new Set([...grants.map((g) => g.app_id), ...entries.data.flatMap((e) => (e.app_id ? [e.app_id] : []))]);
  const names = new Map<string, string>();
  await Promise.all([...appIds].map(async (appId) => names.set(appId, (await services.ledger.getApp(appId))?.name ?? appId)));
  const notice = NOTICES[c.req.query('notice') ?? ''] ?? null;
  return c.html(
    <WalletPage
      email={session.email}
      csrf={issueCsrfToken(c, services.config)}
      wallet={wallet}
      grants={grants.map((g) => ({ ...g, app_name: names.get(g.app_id) ?? g.app_id }))}
      entries={entries.data.map((e) => ({ ...e, app_name: e.app_id ? (names.get(e.app_id) ?? e.app_id) : null }))}
      nextCursor={entries.next_cursor}
      firstPage={!cursor.success || cursor.data === undefined}
      notice={notice}
      error={extra.error ?? null}
      banner={usesLocalCheckout(services.config) ? LOCAL_PAYMENTS_BANNER : undefined}
    />,
    extra.status ?? 200,
  );
}

/**
 * A signed-in owner's form post: without a session, a redirect to sign in; the CSRF token is verified
 * before the handler runs, and any error is answered with the error page.
 */
function ownerFormPost(services: OwnerServices, handle: (c: Context, session: SessionItem, form: Record<string, string>) => Promise<Response>) {
  return async function ownerFormPostHandler(c: Context) {
    try {
      const session = await currentSession(c, services);
      if (!session) return redirectToSignin(c);
      const form = await formOf(c);
      verifyCsrf(c, services.config, form['_csrf']);
      return await handle(c, session, form);
    } catch (error) {
      return errorPage(c, services, error);
    }
  };
}

export function registerWalletPages(app: Hono, services: OwnerServices): void {
  app.get('/', (c) => c.redirect('/wallet', 303));

  app.get('/wallet', async (c) => {
    try {
      const session = await currentSession(c, services);
      if (!session) return redirectToSignin(c);
      return await renderWallet(c, services, session);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });

  app.post('/wallet/topups', ownerFormPost(services, async (c, session, form) => {
    let amountMicros: number;
    try {
      const preset = form['preset'] ?? 'custom';
      amountMicros = parseTypedEur(preset === 'custom' ? (form['custom_amount'] ?? '') : preset);
      const base = services.publicUrl();
      const { url } = await services.topups.start({
        wallet_id: session.wallet_id,
        owner_email: session.email,
        amount_micros: amountMicros,
        success_url: `${base}/wallet?notice=topup_returned`,
        cancel_url: `${base}/wallet?notice=topup_cancelled`,
      });
      return c.redirect(url, 303);
    } catch (error) {
      if (error instanceof FleeexError && (error.code === 'invalid_request' || error.code === 'topup_out_of_range')) {
        return await renderWallet(c, services, session, { error: error.message, status: 400 });
      }
      throw error;
    }
  }));

  app.post('/wallet/grants/:app_id/cap', ownerFormPost(services, async (c, session, form) => {
    const appId = AppIdParam.parse(c.req.param('app_id'));
    let cap: number | null;
    try {
      cap = parseCap(form['monthly_cap']);
    } catch (error) {
      if (error instanceof FleeexError) return await renderWallet(c, services, session, { error: error.message, status: 400 });
      throw error;
    }
    const grant = await services.ledger.getGrant(session.wallet_id, appId);
    if (grant?.status !== 'active') throw new FleeexError('not_found', 'That app has no access to change.');
    await services.ledger.setGrantCap({ wallet_id: session.wallet_id, app_id: appId, monthly_cap_micros: cap });
    return c.redirect('/wallet?notice=cap_saved', 303);
  }));

  app.post('/wallet/grants/:app_id/revoke', ownerFormPost(services, async (c, session) => {
    const appId = AppIdParam.parse(c.req.param('app_id'));
    await services.ledger.revokeGrant({ wallet_id: session.wallet_id, app_id: appId });
    return c.redirect('/wallet?notice=revoked', 303);
  }));
}
