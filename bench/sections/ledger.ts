// Ledger throughput: hold + capture pairs per second against DynamoDB Local, through the ledger's own
// service class (no HTTP), on one wallet and spread over many. Closed loop, SETTINGS.ledger_concurrency
// pairs in flight.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { httpLedgerClient } from '../../gateway/src/ledger/http-ledger-client';
import type { LedgerPort } from '../../gateway/src/ledger/ledger-port';
import { nodeHttpTransport } from '../../gateway/src/ledger/node-http-transport';
import { LedgerService } from '../../ledger/src/core/service';
import { ensureTables } from '../../ledger/src/store/ensure-tables';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { hashApiKey, randomId } from '../../shared/api-keys';
import { BENCH_MODEL } from '../lib/clients';
import type { LedgerFigures } from '../lib/closing';
import { SETTINGS } from '../lib/config';
import { closedLoop } from '../lib/load';
import type { Table } from '../lib/report';
import { fmt, median, percentile } from '../lib/stats';

const WALLET_CREDIT_MICROS = 1_000_000_000; // 1,000 EUR: never the limit in a bench run
const INPUT_TOKENS = 300;
const OUTPUT_TOKENS_MAX = 256;
const OUTPUT_TOKENS_USED = 60;

/** The ledger host's seeded credentials (roles/ledger.ts), to measure the same pair over HTTP. */
export interface LedgerHostCredentials {
  url: string;
  service_token: string;
  api_key: string;
  app_user_id: string;
}

export async function benchLedger(
  dynamoEndpoint: string,
  log: (line: string) => void,
  overHttp: LedgerHostCredentials | null,
): Promise<{ table: Table; figures: LedgerFigures }> {
  const client = new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS });
  try {
    const prefix = `bench-ledger-${Date.now()}-`;
    await ensureTables(client, prefix);
    const service = LedgerService.forDynamo(client, prefix);
    await service.seedPricesIfEmpty();
    const app = await service.apps.create({ name: 'bench-ledger' });
    const apiKeyHash = await hashApiKey(app.api_key);
    const users: string[] = [];
    for (let i = 0; i < SETTINGS.ledger_wallets; i++) {
      const wallet = await service.wallets.create();
      await service.wallets.credit(wallet.wallet_id, WALLET_CREDIT_MICROS, `bench-credit-${wallet.wallet_id}`);
      const appUserId = `bench-user-${i}`;
      await service.grants.grant({ wallet_id: wallet.wallet_id, app_id: app.app_id, app_user_id: appUserId });
      users.push(appUserId);
    }
    type HoldCapture = Pick<LedgerPort, 'hold' | 'capture'>;
    const direct: HoldCapture = {
      hold: async (request) => (await service.holds.hold(request)).result,
      capture: async (holdId, request) => (await service.holds.capture(holdId, request)).result,
    };
    const pair = (ledger: HoldCapture, keyHash: string, pickUser: () => string) => async () => {
      const holdId = randomId('hold');
      await ledger.hold({
        hold_id: holdId,
        api_key_hash: keyHash,
        app_user_id: pickUser(),
        model: BENCH_MODEL,
        input_tokens_estimate: INPUT_TOKENS,
        output_tokens_max: OUTPUT_TOKENS_MAX,
      });
      await ledger.capture(holdId, { input_tokens: INPUT_TOKENS, output_tokens: OUTPUT_TOKENS_USED, usage_source: 'provider' });
      return { ttft_ms: null };
    };
    let next = 0;
    const c = SETTINGS.ledger_concurrency;
    const variants = [
      { name: 'one wallet, 1 in flight', concurrency: 1, call: pair(direct, apiKeyHash, () => users[0]!) },
      { name: `one wallet, ${c} in flight`, concurrency: c, call: pair(direct, apiKeyHash, () => users[0]!) },
      { name: `${SETTINGS.ledger_wallets} wallets, ${c} in flight`, concurrency: c, call: pair(direct, apiKeyHash, () => users[next++ % users.length]!) },
    ];
    if (overHttp) {
      // The gateway's own ledger client and Node transport, against the ledger server process.
      const client = httpLedgerClient({ baseUrl: overHttp.url, serviceToken: overHttp.service_token, transport: nodeHttpTransport() });
      const keyHash = await hashApiKey(overHttp.api_key);
      const user = () => overHttp.app_user_id;
      variants.push(
        { name: 'over HTTP (ledger server), one wallet, 1 in flight', concurrency: 1, call: pair(client, keyHash, user) },
        { name: `over HTTP (ledger server), one wallet, ${c} in flight`, concurrency: c, call: pair(client, keyHash, user) },
      );
    }
    const runs = new Map<string, Array<{ rate: number; p50: number; p99: number }>>();
    for (let run = 0; run < SETTINGS.runs; run++) {
      for (const variant of variants) {
        const result = await closedLoop({
          concurrency: variant.concurrency,
          duration_ms: SETTINGS.ledger_run_ms,
          warmup_ms: SETTINGS.warmup_ms,
          call: variant.call,
        });
        if (result.first_error) log(`  ledger ${variant.name}: ${result.errors} errors, first: ${result.first_error}`);
        const figures = {
          rate: (result.completed * 1000) / result.elapsed_ms,
          p50: percentile(result.latencies_ms, 50),
          p99: percentile(result.latencies_ms, 99),
        };
        runs.set(variant.name, [...(runs.get(variant.name) ?? []), figures]);
        log(`  ledger ${variant.name} run ${run + 1}: ${fmt(figures.rate, 0)} pairs/s`);
      }
    }
    const summary = variants.map((variant) => {
      const results = runs.get(variant.name) ?? [];
      return {
        name: variant.name,
        rate: median(results.map((r) => r.rate)),
        p50: median(results.map((r) => r.p50)),
        p99: median(results.map((r) => r.p99)),
      };
    });
    return {
      table: {
        title: 'Ledger: hold + capture on DynamoDB Local',
        columns: ['wallets and pairs in flight', 'hold+capture pairs/s', 'pair p50 ms', 'pair p99 ms'],
        rows: summary.map((s) => [s.name, fmt(s.rate, 0), fmt(s.p50), fmt(s.p99)]),
        notes: [
          `The ledger's service class called in the bench process (no HTTP); each pair is a hold (one TransactWriteItems) then its capture (one TransactWriteItems writing the usage entry and its outbox event). Median of ${SETTINGS.runs} runs of ${SETTINGS.ledger_run_ms} ms.`,
          'Over HTTP: the same pair sent by the gateway\'s own ledger client (Node transport) to the ledger server process, which adds two HTTP round trips, the service-token check and JSON validation on both sides.',
          'On one wallet, writes to it are serialised (a per-wallet mutex in the ledger process plus the entry_seq condition); spread over wallets they run in parallel, bounded by DynamoDB Local (one JVM on the same 2 cores).',
        ],
      },
      figures: {
        direct_pair_p50_ms: summary[0]!.p50,
        http_pair_p50_ms: summary[3]?.p50 ?? Number.NaN,
        one_wallet_per_s: summary[1]!.rate,
        spread_per_s: summary[2]!.rate,
        wallets: SETTINGS.ledger_wallets,
      },
    };
  } finally {
    client.destroy();
  }
}
