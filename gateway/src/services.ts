// Everything a request handler needs, built once per process (Node) or isolate (workerd) by an entry
// point and handed to handlers through the Hono context: routes never construct clients.
import type { TokenEstimator } from './estimate/token-estimator';
import type { LedgerPort } from './ledger/ledger-port';
import type { UpstreamPort } from './upstream/upstream-port';

export interface GatewayLimits {
  /** A streamed call is aborted (and settled) when the provider sends nothing for this long. */
  upstreamIdleMs: number;
  /** Hard cap on a streamed call's duration. */
  streamDurationMs: number;
  /** Hard cap on a non-streamed call. */
  nonStreamTimeoutMs: number;
  /** Calls one app key may have in flight in this process; more get 429 (default CALLS_IN_FLIGHT_PER_KEY_MAX). */
  callsInFlightPerKeyMax?: number;
}

/** Enough for any honest app on one gateway task; stops a single key from monopolising it. */
export const CALLS_IN_FLIGHT_PER_KEY_MAX = 1_000;

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface GatewayServices {
  ledger: LedgerPort;
  upstream: UpstreamPort;
  estimator: TokenEstimator;
  limits: GatewayLimits;
  log: Logger;
  /**
   * Keeps settlement work (captures, releases) alive after the response is gone. Node: tracked so a
   * graceful stop waits for it; workerd: the request's `waitUntil` is used on top of it.
   */
  background(work: Promise<unknown>): void;
}

export type GatewayEnv = {
  Variables: { services: GatewayServices; requestId: string; apiKeyHash: string };
  Bindings: Record<string, unknown>;
};

/** One JSON line per event on stderr; never given secrets (keys are hashed before anything logs). */
export const consoleLogger: Logger = {
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
};

/** A background tracker for Node: `drain()` resolves once every tracked promise has settled. */
export function backgroundTracker(): { background(work: Promise<unknown>): void; drain(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  return {
    background(work) {
      const tracked = work.catch(() => {}).finally(() => pending.delete(tracked));
      pending.add(tracked);
    },
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
