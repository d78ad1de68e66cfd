// Node entry point of the ledger service: parse the environment, start, stop cleanly on SIGTERM.
import { type LedgerConfig, parseLedgerConfig } from './config';
import { startServiceRelay } from './jobs/relay-loop';
import { startLedgerServer } from './server';

let config: LedgerConfig;
try {
  config = parseLedgerConfig(process.env);
} catch (error) {
  // Fail closed with one line naming the variables, not a stack trace.
  console.error(`[ledger] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const server = await startLedgerServer({
  dynamo: { endpoint: config.FLEEEX_DYNAMODB_ENDPOINT, region: config.AWS_REGION },
  tablePrefix: config.FLEEEX_TABLE_PREFIX,
  serviceTokens: [config.FLEEEX_SERVICE_TOKEN, ...(config.FLEEEX_SERVICE_TOKEN_PREVIOUS ? [config.FLEEEX_SERVICE_TOKEN_PREVIOUS] : [])],
  adminToken: config.FLEEEX_ADMIN_TOKEN,
  holdTtlMs: config.FLEEEX_HOLD_TTL_MS,
  port: config.FLEEEX_LEDGER_PORT,
  host: config.FLEEEX_LEDGER_HOST,
  ensureTables: config.FLEEEX_ENSURE_TABLES,
});
console.log(`[ledger] listening on ${server.url}`);
const relay = config.FLEEEX_USAGE_QUEUE_URL
  ? startServiceRelay({ region: config.AWS_REGION, dynamoEndpoint: config.FLEEEX_DYNAMODB_ENDPOINT, tablePrefix: config.FLEEEX_TABLE_PREFIX, queueUrl: config.FLEEEX_USAGE_QUEUE_URL })
  : undefined;

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    Promise.all([relay?.stop(), server.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
