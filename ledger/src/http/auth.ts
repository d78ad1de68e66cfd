// Bearer-token authentication for service-to-service and operator routes. Tokens are compared in
// constant time (over their SHA-256, so lengths never leak), against every accepted token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { LedgerEnv, LedgerServices } from './env';
import { errorResponse } from './errors';

const AUTHORIZATION_CHARS_MAX = 1_024;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function tokenMatches(presented: string, accepted: readonly string[]): boolean {
  const presentedDigest = digest(presented);
  let match = false;
  for (const token of accepted) {
    if (token.length === 0) continue;
    // No early exit: every accepted token is compared.
    if (timingSafeEqual(presentedDigest, digest(token))) match = true;
  }
  return match;
}

function bearer(header: string | undefined): string | undefined {
  if (!header || header.length > AUTHORIZATION_CHARS_MAX) return undefined;
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(header);
  return match?.[1];
}

/** Requires `Authorization: Bearer <one of the tokens chosen by pick>`; 401 `unauthorized` otherwise. */
export function requireBearer(options: { pick: (services: LedgerServices) => readonly string[] }): MiddlewareHandler<LedgerEnv> {
  return async function requireBearerToken(c, next) {
    const token = bearer(c.req.header('authorization'));
    if (!token || !tokenMatches(token, options.pick(c.get('services')))) {
      c.header('www-authenticate', 'Bearer');
      return errorResponse(c, 'unauthorized', 'a valid bearer token is required');
    }
    await next();
  };
}
