// Apps and their keys. A key is shown once, at creation; only its SHA-256 is stored. Looking a key up
// by hash is cached for a few seconds for routes that move no money; holds re-check the key's status
// inside their transaction, so a revoked key can never move money.
import { generateApiKey, hashApiKey, randomId } from '../../../shared/api-keys';
import type { AppIdentity } from '../../../shared/contracts/ledger-internal';
import { FleeexError } from '../../../shared/errors';
import { APP_KEY_CACHE_TTL_MS } from '../../../shared/limits';
import { apiKeyKey, appKey, appKeyListingKey } from '../store/keys';
import type { Item, LedgerTable, WriteOp } from '../store/port';
import type { Clock } from './clock';
import { str } from './item-fields';
import { SingleFlight } from './single-flight';
import { TtlCache } from './ttl-cache';

const KEY_CACHE_SIZE_MAX = 10_000;

export interface App {
  app_id: string;
  name: string;
  return_origins: string[];
  created_at: string;
}

export interface CreatedKey {
  key_id: string;
  /** The raw key: returned once, never stored. */
  api_key: string;
}

export class Apps {
  private readonly identities: TtlCache<AppIdentity>;
  private readonly lookups = new SingleFlight<Item | undefined>();

  constructor(
    private readonly table: LedgerTable,
    private readonly clock: Clock,
    cacheTtlMs: number = APP_KEY_CACHE_TTL_MS,
  ) {
    this.identities = new TtlCache(cacheTtlMs, KEY_CACHE_SIZE_MAX);
  }

  async create(input: { name: string; return_origins?: string[] }): Promise<App & CreatedKey> {
    const app: App = {
      app_id: randomId('app'),
      name: input.name,
      return_origins: input.return_origins ?? [],
      created_at: this.clock().toISOString(),
    };
    const key = await this.newKey(app.app_id, app.name);
    await this.table.transact([
      { kind: 'put', item: { ...appKey(app.app_id), ...app }, condition: 'attribute_not_exists(pk)' },
      ...key.ops,
    ]);
    return { ...app, key_id: key.key_id, api_key: key.api_key };
  }

  async get(appId: string): Promise<App> {
    const item = await this.table.get(appKey(appId));
    if (!item) throw new FleeexError('not_found', 'app not found');
    return {
      app_id: str(item, 'app_id'),
      name: str(item, 'name'),
      return_origins: Array.isArray(item['return_origins']) ? (item['return_origins'] as string[]) : [],
      created_at: str(item, 'created_at'),
    };
  }

  async createKey(appId: string): Promise<CreatedKey> {
    const app = await this.get(appId);
    const key = await this.newKey(appId, app.name);
    await this.table.transact([{ kind: 'check', key: appKey(appId), condition: 'attribute_exists(pk)' }, ...key.ops]);
    return { key_id: key.key_id, api_key: key.api_key };
  }

  /** Revokes a key (idempotent). Unknown app or key: not_found. */
  async revokeKey(appId: string, keyId: string): Promise<void> {
    const listing = await this.table.get(appKeyListingKey(appId, keyId));
    if (!listing) throw new FleeexError('not_found', 'key not found');
    const keyHash = str(listing, 'key_hash');
    const revokedAt = this.clock().toISOString();
    const revoke = {
      update: 'SET #status = :revoked, revoked_at = if_not_exists(revoked_at, :at)',
      names: { '#status': 'status' },
      values: { ':revoked': 'revoked', ':at': revokedAt },
    };
    await this.table.transact([
      { kind: 'update', key: apiKeyKey(keyHash), ...revoke, condition: 'attribute_exists(pk)' },
      { kind: 'update', key: appKeyListingKey(appId, keyId), ...revoke, condition: 'attribute_exists(pk)' },
    ]);
    this.identities.delete(keyHash);
  }

  /** The app a key hash belongs to, when the key exists and is active; otherwise invalid_api_key. */
  async authenticate(apiKeyHash: string): Promise<AppIdentity> {
    const cached = this.identities.get(apiKeyHash);
    if (cached) return cached;
    const item = await this.lookups.run(apiKeyHash, () => this.table.get(apiKeyKey(apiKeyHash)));
    if (item?.['status'] !== 'active') throw new FleeexError('invalid_api_key', 'the API key is not valid');
    const identity: AppIdentity = { app_id: str(item, 'app_id'), app_name: str(item, 'app_name'), key_id: str(item, 'key_id') };
    this.identities.set(apiKeyHash, identity);
    return identity;
  }

  private async newKey(appId: string, appName: string): Promise<CreatedKey & { ops: WriteOp[] }> {
    const apiKey = generateApiKey();
    const keyHash = await hashApiKey(apiKey);
    const keyId = randomId('key');
    const createdAt = this.clock().toISOString();
    const common = { app_id: appId, key_id: keyId, status: 'active', created_at: createdAt };
    return {
      key_id: keyId,
      api_key: apiKey,
      ops: [
        { kind: 'put', item: { ...apiKeyKey(keyHash), ...common, app_name: appName }, condition: 'attribute_not_exists(pk)' },
        { kind: 'put', item: { ...appKeyListingKey(appId, keyId), ...common, key_hash: keyHash }, condition: 'attribute_not_exists(pk)' },
      ],
    };
  }
}
