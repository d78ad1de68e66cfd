// The app's key: `Authorization: Bearer fx_sk_...`. Checked before the body is read, so a caller
// without a key learns that first. Shape-checked here (no ledger trip for garbage) and hashed here
// (the raw key never leaves the gateway); the ledger judges the hash.
import type { MiddlewareHandler } from 'hono';
import { hashApiKey, looksLikeApiKey } from '../../../shared/api-keys';
import { FleeexError } from '../../../shared/errors';
import type { GatewayEnv } from '../services';

/** Hashes of recently seen keys, so a busy app's key is not re-hashed on every call. Bounded. */
const HASH_CACHE_ENTRIES_MAX = 10_000;
const hashByKey = new Map<string, string>();

async function hashOf(apiKey: string): Promise<string> {
  const cached = hashByKey.get(apiKey);
  if (cached !== undefined) return cached;
  const hash = await hashApiKey(apiKey);
  if (hashByKey.size >= HASH_CACHE_ENTRIES_MAX) hashByKey.clear();
  hashByKey.set(apiKey, hash);
  return hash;
}

export function requireAppKey(): MiddlewareHandler<GatewayEnv> {
  return async function requireAppKeyMiddleware(c, next) {
    const header = c.req.header('authorization');
    if (!header) throw new FleeexError('invalid_api_key', 'Missing API key: send Authorization: Bearer <your fleeex app key>.');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !looksLikeApiKey(match[1]!)) {
      throw new FleeexError('invalid_api_key', 'Invalid API key: fleeex app keys look like fx_sk_ followed by 43 characters.');
    }
    c.set('apiKeyHash', await hashOf(match[1]!));
    await next();
  };
}
