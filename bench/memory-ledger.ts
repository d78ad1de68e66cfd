// BENCHMARK ONLY: a ledger kept in this process's memory, plugged into the gateway's LedgerPort so the
// bench can measure the proxy with the ledger round trip out of the way. It prices exactly like the
// real ledger (shared/pricing.ts) and keeps per-wallet balances, but it has no durability, no
// consent checks beyond one seeded app, and no concurrency story beyond a single event loop.
// Never used outside bench/.
import { randomId } from '../shared/api-keys';
import type {
  AppIdentity,
  CaptureRequest,
  CaptureResponse,
  CurrentPrices,
  HoldRequest,
  HoldResponse,
  ReleaseRequest,
  ReleaseResponse,
} from '../shared/contracts/ledger-internal';
import { FleeexError } from '../shared/errors';
import { HOLD_TTL_MS } from '../shared/limits';
import { SEED_EFFECTIVE_FROM, seedModelPrices } from '../shared/price-seed';
import { affordableOutputTokens, holdAmountMicros, priceUsage, type ModelPrice } from '../shared/pricing';

interface MemoryHold {
  request: HoldRequest;
  response: HoldResponse;
  price: ModelPrice;
  wallet_id: string;
}

export class MemoryLedger {
  private readonly prices: CurrentPrices = { version: 1, effective_from: SEED_EFFECTIVE_FROM, models: seedModelPrices() };
  private readonly priceByModel = new Map(this.prices.models.map((m) => [m.model, m]));
  private readonly holds = new Map<string, MemoryHold>();
  private readonly wallets = new Map<string, { balance_micros: number; held_micros: number }>();
  readonly app: AppIdentity = { app_id: 'app_bench', app_name: 'bench', key_id: 'key_bench' };

  constructor(
    private readonly apiKeyHash: string,
    walletBalanceMicros: number,
  ) {
    this.wallets.set('wal_bench', { balance_micros: walletBalanceMicros, held_micros: 0 });
  }

  async authenticate(apiKeyHash: string): Promise<AppIdentity> {
    if (apiKeyHash !== this.apiKeyHash) throw new FleeexError('invalid_api_key', 'unknown key');
    return this.app;
  }

  async currentPrices(): Promise<CurrentPrices> {
    return this.prices;
  }

  async hold(request: HoldRequest): Promise<HoldResponse> {
    await this.authenticate(request.api_key_hash);
    const existing = this.holds.get(request.hold_id);
    if (existing) return existing.response;
    const price = this.priceByModel.get(request.model);
    if (!price) throw new FleeexError('model_not_found', `unknown model ${request.model}`);
    const wallet = this.wallets.get('wal_bench')!;
    const available = wallet.balance_micros - wallet.held_micros;
    const requested = Math.min(request.output_tokens_max, price.output_tokens_max);
    const outputTokensMax = affordableOutputTokens(price, request.input_tokens_estimate, requested, available);
    if (outputTokensMax < 1) throw new FleeexError('insufficient_balance', 'wallet empty');
    const amount = holdAmountMicros(price, request.input_tokens_estimate, outputTokensMax);
    wallet.held_micros += amount;
    const response: HoldResponse = {
      hold_id: request.hold_id,
      app_id: this.app.app_id,
      wallet_id: 'wal_bench',
      model: request.model,
      price_version: this.prices.version,
      amount_micros: amount,
      output_tokens_max: outputTokensMax,
      input_tokens_estimate: request.input_tokens_estimate,
      expires_at: new Date(Date.now() + HOLD_TTL_MS).toISOString(),
    };
    this.holds.set(request.hold_id, { request, response, price, wallet_id: 'wal_bench' });
    return response;
  }

  async capture(holdId: string, request: CaptureRequest): Promise<CaptureResponse> {
    const hold = this.holds.get(holdId);
    if (!hold) throw new FleeexError('hold_not_found', holdId);
    const wallet = this.wallets.get(hold.wallet_id)!;
    const { cost_micros } = priceUsage(hold.price, request);
    const charged = Math.min(cost_micros, wallet.balance_micros);
    wallet.balance_micros -= charged;
    wallet.held_micros -= hold.response.amount_micros;
    const result: CaptureResponse = {
      hold_id: holdId,
      status: 'captured',
      entry_id: randomId('ent'),
      price_version: hold.response.price_version,
      cost_micros,
      charged_micros: charged,
      written_off_micros: cost_micros - charged,
      released_micros: hold.response.amount_micros - charged,
      balance_after_micros: wallet.balance_micros,
    };
    // Resolved holds are forgotten, keeping memory flat over a long run: replays are not benchmarked.
    this.holds.delete(holdId);
    return result;
  }

  async release(holdId: string, _request: ReleaseRequest): Promise<ReleaseResponse> {
    const hold = this.holds.get(holdId);
    if (!hold) return { hold_id: holdId, status: 'released', released_micros: 0 };
    this.wallets.get(hold.wallet_id)!.held_micros -= hold.response.amount_micros;
    this.holds.delete(holdId);
    return { hold_id: holdId, status: 'released', released_micros: hold.response.amount_micros };
  }
}
