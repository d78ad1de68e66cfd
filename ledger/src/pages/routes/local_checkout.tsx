// Local mode only (no Stripe keys): GET/POST /checkout/local/{topup_id}. Paying POSTs a correctly
// signed checkout.session.completed webhook to this service's /stripe/webhook; only that credits.
import type { OpenAPIHono as Hono } from '@hono/zod-openapi';
import { z } from 'zod';
import { FleeexError } from '../../../../shared/errors';
import { issueCsrfToken, verifyCsrf } from '../../owner/http';
import type { OwnerServices } from '../../owner/services';
import { checkoutCompletedEvent, postSignedWebhook } from '../../stripe/local-webhook';
import { LocalCheckoutPage } from '../checkout';
import { currentSession, errorPage, formOf, redirectToSignin } from '../respond';

const TopupIdParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export function registerLocalCheckoutPages(app: Hono, services: OwnerServices): void {
  const { config } = services;

  async function ownTopup(topupIdParam: string | undefined, walletId: string) {
    const topup = await services.store.getTopup(TopupIdParam.parse(topupIdParam));
    // Another owner's top-up is answered exactly like a missing one.
    if (!topup || topup.wallet_id !== walletId) throw new FleeexError('not_found', 'No such top-up.');
    return topup;
  }

  app.get('/checkout/local/:topup_id', async (c) => {
    try {
      const session = await currentSession(c, services);
      if (!session) return redirectToSignin(c);
      const topup = await ownTopup(c.req.param('topup_id'), session.wallet_id);
      if (topup.status === 'credited') return c.redirect('/wallet?notice=topup_returned', 303);
      return c.html(<LocalCheckoutPage csrf={issueCsrfToken(c, config)} topupId={topup.topup_id} amountMicros={topup.amount_micros} email={session.email} />);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });

  app.post('/checkout/local/:topup_id', async (c) => {
    try {
      const session = await currentSession(c, services);
      if (!session) return redirectToSignin(c);
      const form = await formOf(c);
      verifyCsrf(c, config, form['_csrf']);
      const topup = await ownTopup(c.req.param('topup_id'), session.wallet_id);
      if (form['outcome'] !== 'pay') return c.redirect('/wallet?notice=topup_cancelled', 303);
      if (!topup.checkout_session_id) throw new Error(`top-up ${topup.topup_id} has no checkout session`);
      const payload = checkoutCompletedEvent(topup, topup.checkout_session_id, services.now());
      const response = await postSignedWebhook(`${new URL(c.req.url).origin}/stripe/webhook`, payload, config.webhookSecret);
      if (!response.ok) throw new Error(`local webhook answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
      return c.redirect('/wallet?notice=topup_returned', 303);
    } catch (error) {
      return errorPage(c, services, error);
    }
  });
}
