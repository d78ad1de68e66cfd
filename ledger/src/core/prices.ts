// The price table: immutable, numbered versions, each with an effective_from. A hold prices with the
// version in effect and records its number; its capture prices with that same version.
import { FleeexError } from '../../../shared/errors';
import { LEDGER_RETRIES_MAX, PRICE_TABLE_CACHE_TTL_MS } from '../../../shared/limits';
import { seedPriceVersion } from '../../../shared/price-seed';
import {
  type ModelPrice,
  type PriceVersion,
  type PriceVersionInput,
  PriceVersionSchema,
  findModelPrice,
  priceVersionInEffect,
} from '../../../shared/pricing';
import { PRICES_PK, PRICE_VERSION_SK_PREFIX, priceVersionKey } from '../store/keys';
import { ConditionFailedError, type Item, type LedgerTable } from '../store/port';
import type { Clock } from './clock';
import { TtlCache } from './ttl-cache';

const PRICE_VERSIONS_MAX = 10_000;
const PRICE_VERSIONS_CACHED_MAX = 256;

function versionFromItem(item: Item): PriceVersion {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return PriceVersionSchema.parse(rest);
}

export class PriceBook {
  private list: { versions: PriceVersion[]; fetchedAtMs: number } | undefined;
  /** One read in flight at a time: a burst of misses shares it. */
  private reading: Promise<PriceVersion[]> | undefined;
  /** Versions never change once published, so a version read once is kept (bounded). */
  private readonly byNumber = new TtlCache<PriceVersion>(Number.MAX_SAFE_INTEGER, PRICE_VERSIONS_CACHED_MAX);

  constructor(
    private readonly table: LedgerTable,
    private readonly clock: Clock,
    private readonly cacheTtlMs: number = PRICE_TABLE_CACHE_TTL_MS,
  ) {}

  /** Every version, oldest first. */
  async versions(fresh = false): Promise<PriceVersion[]> {
    if (!fresh && this.list && Date.now() - this.list.fetchedAtMs < this.cacheTtlMs) return this.list.versions;
    if (!fresh && this.reading) return this.reading;
    const reading = this.read();
    this.reading = reading;
    try {
      return await reading;
    } finally {
      if (this.reading === reading) this.reading = undefined;
    }
  }

  private async read(): Promise<PriceVersion[]> {
    const nowMs = Date.now();
    const items = await this.table.query({ pk: PRICES_PK, skBeginsWith: PRICE_VERSION_SK_PREFIX, limit: PRICE_VERSIONS_MAX });
    const versions = items.map(versionFromItem);
    for (const version of versions) this.byNumber.set(String(version.version), version);
    this.list = { versions, fetchedAtMs: nowMs };
    return versions;
  }

  /** The version in effect now. A miss re-reads the table once (a version may just have been published). */
  async current(): Promise<PriceVersion> {
    const now = this.clock();
    const cached = priceVersionInEffect(await this.versions(), now);
    const version = cached ?? priceVersionInEffect(await this.versions(true), now);
    if (!version) throw new FleeexError('internal_error', 'no price version is in effect');
    return version;
  }

  async version(number: number): Promise<PriceVersion> {
    const cached = this.byNumber.get(String(number));
    if (cached) return cached;
    const item = await this.table.get(priceVersionKey(number));
    if (!item) throw new FleeexError('internal_error', `price version ${number} is missing`);
    const version = versionFromItem(item);
    this.byNumber.set(String(number), version);
    return version;
  }

  /** The price of `model` in the version in effect, or model_not_found. */
  async currentModel(model: string): Promise<{ version: PriceVersion; price: ModelPrice }> {
    const version = await this.current();
    const price = findModelPrice(version, model);
    if (!price) throw new FleeexError('model_not_found', `the model ${model} does not exist or is not priced`);
    return { version, price };
  }

  /**
   * Publishes the next version. Concurrency-safe: the Put is conditioned on the number being unused;
   * losing a race re-reads and takes the next number (bounded).
   */
  async publish(input: PriceVersionInput): Promise<PriceVersion> {
    for (let attempt = 0; attempt <= LEDGER_RETRIES_MAX; attempt++) {
      const versions = await this.versions(true);
      const latest = versions.at(-1);
      const version: PriceVersion = {
        ...input,
        version: (latest?.version ?? 0) + 1,
        created_at: this.clock().toISOString(),
      };
      try {
        await this.table.transact([
          { kind: 'put', item: { ...priceVersionKey(version.version), ...version }, condition: 'attribute_not_exists(pk)' },
        ]);
      } catch (error) {
        if (error instanceof ConditionFailedError) continue;
        throw error;
      }
      this.list = undefined;
      this.byNumber.set(String(version.version), version);
      return version;
    }
    throw new FleeexError('price_version_conflict', 'another price version was being published; retry');
  }

  /** Publishes the seed table as version 1 when no version exists yet. */
  async seedIfEmpty(): Promise<void> {
    if ((await this.versions(true)).length > 0) return;
    const version: PriceVersion = { ...seedPriceVersion(), version: 1, created_at: this.clock().toISOString() };
    try {
      await this.table.transact([
        { kind: 'put', item: { ...priceVersionKey(1), ...version }, condition: 'attribute_not_exists(pk)' },
      ]);
    } catch (error) {
      // Someone else seeded first: same outcome.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    this.list = undefined;
  }
}
