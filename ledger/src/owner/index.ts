// The owner side of the ledger: sign-in, the wallet page, the connect consent, Stripe top-ups and
// webhooks, and the internal connect routes the gateway calls. Mounted into the ledger app by
// `registerOwnerRoutes`; everything it needs arrives in `services` (createOwnerServices).
// HTML pages are plain Hono routes validating their forms with zod (a bad form re-renders the page
// with a message); JSON routes are @hono/zod-openapi routes and appear in the ledger's spec.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env, MiddlewareHandler } from 'hono';
import { registerConnectPages } from '../pages/routes/connect';
import { registerDevOutboxPage } from '../pages/routes/dev_outbox';
import { registerLocalCheckoutPages } from '../pages/routes/local_checkout';
import { registerSigninPages } from '../pages/routes/signin';
import { registerWalletPages } from '../pages/routes/wallet';
import { registerStripeWebhook } from '../stripe/routes/stripe_webhook';
import { usesLocalCheckout } from './config';
import { registerInternalConnectSessionsCreate } from './routes/internal_connect_sessions_create';
import { registerInternalConnectStatus } from './routes/internal_connect_status';
import type { OwnerServices } from './services';

export { parseOwnerConfig, type OwnerConfig } from './config';
export { createOwnerServices, type OwnerServices, type OwnerServicesOptions } from './services';
export type { LedgerPort } from './ports';

const PAGE_PATHS = ['/', '/signin', '/signin/*', '/signout', '/wallet', '/wallet/*', '/connect/*', '/checkout/*', '/dev/*'];

/** No framing (the consent page must not be clickjacked); no referrer to other sites (connect ids stay private; same-origin keeps the Origin header CSRF checks read). */
const pageHeaders: MiddlewareHandler = async function pageHeaders(c, next) {
  await next();
  c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'");
  c.header('x-frame-options', 'DENY');
  c.header('referrer-policy', 'same-origin');
  c.header('x-content-type-options', 'nosniff');
  c.header('cache-control', 'no-store');
};

export interface OwnerRouteOptions {
  /** Guards `/internal/v1/connect/*` (the ledger's service-token check) when the host app does not already. */
  internalAuth?: MiddlewareHandler;
}

/** Mounts every owner route on `app`. */
export function registerOwnerRoutes<E extends Env>(app: OpenAPIHono<E>, services: OwnerServices, options: OwnerRouteOptions = {}): void {
  const owner = new OpenAPIHono();
  if (options.internalAuth) owner.use('/internal/v1/connect/*', options.internalAuth);
  for (const path of PAGE_PATHS) owner.use(path, pageHeaders);
  registerInternalConnectSessionsCreate(owner, services.connect);
  registerInternalConnectStatus(owner, services.connect);
  registerStripeWebhook(owner, { stripe: services.stripe, webhookSecret: services.config.webhookSecret, topups: services.topups });
  registerSigninPages(owner, services);
  registerWalletPages(owner, services);
  registerConnectPages(owner, services);
  if (usesLocalCheckout(services.config)) registerLocalCheckoutPages(owner, services);
  registerDevOutboxPage(owner, services);
  app.route('/', owner);
}
