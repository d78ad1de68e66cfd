// Key builders for the single ledger table. The item layout is documented in ./README.md.

export const WALLET_SK = 'WALLET';
export const ENTRY_SK_PREFIX = 'ENTRY#';
export const GRANT_SK_PREFIX = 'GRANT#';
export const HOLD_SK = 'HOLD';
export const HOLD_PENDING_GSI_PK = 'HOLD_PENDING';
export const PRICES_PK = 'PRICES';
export const PRICE_VERSION_SK_PREFIX = 'VERSION#';
export const OUTBOX_PK_PREFIX = 'OUTBOX#';
/** The outbox is spread over this many partitions (by wallet) so relays can work in parallel. */
export const OUTBOX_SHARDS = 16;

const SEQ_DIGITS = 12;
const VERSION_DIGITS = 8;

export const walletKey = (walletId: string) => ({ pk: `WALLET#${walletId}`, sk: WALLET_SK });
export const entrySk = (seq: number) => `${ENTRY_SK_PREFIX}${String(seq).padStart(SEQ_DIGITS, '0')}`;
export const entryKey = (walletId: string, seq: number) => ({ pk: `WALLET#${walletId}`, sk: entrySk(seq) });
export const grantKey = (walletId: string, appId: string) => ({ pk: `WALLET#${walletId}`, sk: `${GRANT_SK_PREFIX}${appId}` });
export const holdKey = (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: HOLD_SK });
export const appKey = (appId: string) => ({ pk: `APP#${appId}`, sk: 'APP' });
export const appKeyListingKey = (appId: string, keyId: string) => ({ pk: `APP#${appId}`, sk: `KEY#${keyId}` });
export const apiKeyKey = (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' });
export const linkKey = (appId: string, appUserId: string) => ({ pk: `APP#${appId}`, sk: `USER#${appUserId}` });
export const idempotencyKey = (key: string) => ({ pk: `IDEM#${key}`, sk: 'IDEM' });
export const priceVersionSk = (version: number) => `${PRICE_VERSION_SK_PREFIX}${String(version).padStart(VERSION_DIGITS, '0')}`;
export const priceVersionKey = (version: number) => ({ pk: PRICES_PK, sk: priceVersionSk(version) });

/** FNV-1a over the wallet id: a stable, even spread of wallets over the outbox shards. */
export function outboxShard(walletId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < walletId.length; i++) {
    hash ^= walletId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % OUTBOX_SHARDS;
}

export const outboxPk = (shard: number) => `${OUTBOX_PK_PREFIX}${shard}`;
export const outboxKey = (walletId: string, createdAt: string, entryId: string) => ({
  pk: outboxPk(outboxShard(walletId)),
  sk: `${createdAt}#${entryId}`,
});
