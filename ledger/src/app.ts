// The ledger's HTTP app: the one file that wires every route. Services reach handlers through the
// context (`c.get('services')`); routes never build clients.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { LEDGER_INTERNAL_BASE_PATH } from '../../shared/contracts/ledger-internal';
import { randomId } from '../../shared/api-keys';
import { REQUEST_ID_CHARS_MAX } from '../../shared/limits';
import { requireBearer } from './http/auth';
import type { LedgerEnv, LedgerServices } from './http/env';
import { errorResponse, onLedgerError, validationHook } from './http/errors';
import { registerAdminCreateAdjustment } from './routes/admin_create_adjustment';
import { registerAdminCreateApp } from './routes/admin_create_app';
import { registerAdminCreateGrant } from './routes/admin_create_grant';
import { registerAdminCreateKey } from './routes/admin_create_key';
import { registerAdminCreateWallet } from './routes/admin_create_wallet';
import { registerAdminGetWallet } from './routes/admin_get_wallet';
import { registerAdminListEntries } from './routes/admin_list_entries';
import { registerAdminListPrices } from './routes/admin_list_prices';
import { registerAdminPublishPrices } from './routes/admin_publish_prices';
import { registerAdminRevokeGrant } from './routes/admin_revoke_grant';
import { registerAdminRevokeKey } from './routes/admin_revoke_key';
import { registerInternalAuthenticateApp } from './routes/internal_authenticate_app';
import { registerInternalCaptureHold } from './routes/internal_capture_hold';
import { registerInternalCreateHold } from './routes/internal_create_hold';
import { registerInternalGetCurrentPrices } from './routes/internal_get_current_prices';
import { registerInternalReleaseHold } from './routes/internal_release_hold';

/** Request bodies of the ledger API are small JSON documents; a price table is the largest. */
const LEDGER_BODY_BYTES_MAX = 1024 * 1024;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

export function createLedgerApp(services: LedgerServices): OpenAPIHono<LedgerEnv> {
  const app = new OpenAPIHono<LedgerEnv>({ defaultHook: validationHook });

  app.use('*', async function ledgerContext(c, next) {
    const incoming = c.req.header('x-request-id');
    const requestId =
      incoming && incoming.length <= REQUEST_ID_CHARS_MAX && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomId('req');
    c.set('requestId', requestId);
    c.set('services', services);
    c.header('x-request-id', requestId);
    await next();
  });
  app.use(
    '*',
    bodyLimit({ maxSize: LEDGER_BODY_BYTES_MAX, onError: (c) => errorResponse(c, 'payload_too_large', 'request body too large') }),
  );
  app.use(`${LEDGER_INTERNAL_BASE_PATH}/*`, requireBearer({ pick: (s) => s.serviceTokens }));
  app.use('/admin/*', requireBearer({ pick: (s) => [s.adminToken] }));

  registerInternalCreateHold(app);
  registerInternalCaptureHold(app);
  registerInternalReleaseHold(app);
  registerInternalAuthenticateApp(app);
  registerInternalGetCurrentPrices(app);
  registerAdminCreateApp(app);
  registerAdminCreateKey(app);
  registerAdminRevokeKey(app);
  registerAdminCreateWallet(app);
  registerAdminGetWallet(app);
  registerAdminListEntries(app);
  registerAdminCreateAdjustment(app);
  registerAdminListPrices(app);
  registerAdminPublishPrices(app);
  registerAdminCreateGrant(app);
  registerAdminRevokeGrant(app);

  app.openAPIRegistry.registerComponent('securitySchemes', 'serviceToken', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'adminToken', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'fleeex ledger', version: '1' } });
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.notFound((c) => errorResponse(c, 'not_found', 'no such route'));
  app.onError(onLedgerError);
  return app;
}
