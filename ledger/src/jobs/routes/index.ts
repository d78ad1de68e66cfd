// The jobs' HTTP routes on the ledger app. Authentication comes from the app's path middleware
// (`/admin/*`: admin token; `/internal/v1/*`: service token).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { LedgerEnv } from '../../http/env';
import { registerAdminGetReconciliation } from './admin_get_reconciliation';
import { registerAdminGetUsage } from './admin_get_usage';
import { registerAdminRunReconciliation } from './admin_run_reconciliation';
import { registerInternalGetAppUsage } from './internal_get_app_usage';
import type { JobRouteServices } from './services';

export type { JobRouteServices } from './services';

export function registerJobRoutes(app: OpenAPIHono<LedgerEnv>, services: JobRouteServices): void {
  registerAdminGetUsage(app, services);
  registerAdminGetReconciliation(app, services);
  registerAdminRunReconciliation(app, services);
  registerInternalGetAppUsage(app, services);
}
