// What every ledger route can reach through the Hono context: the services, built once per process.
import type { LedgerService } from '../core/service';

export interface LedgerServices {
  ledger: LedgerService;
  /** Accepted service tokens for /internal/v1 (two at once during rotation). */
  serviceTokens: readonly string[];
  /** The operator token for /admin. */
  adminToken: string;
}

export interface LedgerEnv {
  Variables: { services: LedgerServices; requestId: string };
}
