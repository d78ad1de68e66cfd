// The whole of fleeex in one process: the ledger (tables and prices ensured), the Bedrock simulator
// (unless an endpoint is given) and the gateway, optionally seeded with a demo app, a demo wallet
// holding 5.00 EUR and a grant for the demo user. Used by gateway tests and by `npm start`.
import { startLedgerServer } from '../ledger/src/server';
import { startLocalJobs } from '../ledger/src/jobs/local-runner';
import { startGatewayServer } from '../gateway/src/server';
import type { GatewayLimits, Logger } from '../gateway/src/services';
import { type BedrockSimulator, type BedrockSimulatorOptions, startBedrockSimulator } from '../test/fakes/bedrock-simulator/index';
import { LOCAL_AWS_CREDENTIALS } from './dynamodb-local';
import { AdminClient } from './stack/admin-client';

export const DEMO_BALANCE_MICROS = 5_000_000;
export const DEMO_APP_USER_ID = 'demo-user';

export interface StackOptions {
  dynamoEndpoint: string;
  tablePrefix: string;
  /** true (default): start a simulator here; {endpoint}: use that Bedrock endpoint; 'aws': real Bedrock. */
  simulator?: true | { endpoint: string } | 'aws';
  bedrockRegion?: string;
  /** Latency and chunking of the in-process simulator. */
  simulatorOptions?: BedrockSimulatorOptions;
  ledgerPort?: number;
  gatewayPort?: number;
  serviceToken?: string;
  adminToken?: string;
  seedDemo?: boolean;
  gatewayLimits?: Partial<GatewayLimits>;
  gatewayLog?: Logger;
  /** Local SQS: when set, the usage pipeline runs too (outbox relay, rollups consumer, reconciliation). */
  sqsEndpoint?: string;
}

export interface DemoSeed {
  app_id: string;
  key_id: string;
  api_key: string;
  app_user_id: string;
  wallet_id: string;
}

export interface Stack {
  gatewayUrl: string;
  ledgerUrl: string;
  adminToken: string;
  serviceToken: string;
  /** The in-process simulator (undefined when an endpoint was given). */
  simulator: BedrockSimulator | undefined;
  admin: AdminClient;
  demo: DemoSeed | undefined;
  stop(): Promise<void>;
}

function randomToken(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function seedDemo(admin: AdminClient): Promise<DemoSeed> {
  const app = await admin.createApp('Demo app');
  const wallet = await admin.createWallet();
  await admin.adjust(wallet.wallet_id, DEMO_BALANCE_MICROS, `demo-seed-${wallet.wallet_id}`, 'demo credit');
  await admin.grant(wallet.wallet_id, app.app_id, DEMO_APP_USER_ID);
  return { app_id: app.app_id, key_id: app.key_id, api_key: app.api_key, app_user_id: DEMO_APP_USER_ID, wallet_id: wallet.wallet_id };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const serviceToken = options.serviceToken ?? randomToken('svc_');
  const adminToken = options.adminToken ?? randomToken('adm_');
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    let simulator: BedrockSimulator | undefined;
    let bedrockEndpoint: string | undefined;
    if (options.simulator === undefined || options.simulator === true) {
      simulator = await startBedrockSimulator(options.simulatorOptions);
      stops.push(() => simulator!.stop());
      bedrockEndpoint = simulator.url;
    } else if (options.simulator !== 'aws') {
      bedrockEndpoint = options.simulator.endpoint;
    }
    const ledger = await startLedgerServer({
      dynamo: { endpoint: options.dynamoEndpoint, region: 'local', credentials: LOCAL_AWS_CREDENTIALS },
      tablePrefix: options.tablePrefix,
      serviceTokens: [serviceToken],
      adminToken,
      port: options.ledgerPort,
      ensureTables: true,
    });
    stops.push(() => ledger.stop());
    if (options.sqsEndpoint) {
      const jobs = await startLocalJobs({ dynamoEndpoint: options.dynamoEndpoint, sqsEndpoint: options.sqsEndpoint, tablePrefix: options.tablePrefix, jobServices: ledger.jobs });
      stops.push(() => jobs.stop());
    }
    const gateway = await startGatewayServer({
      port: options.gatewayPort,
      ledgerUrl: ledger.url,
      serviceToken,
      bedrockEndpoint,
      bedrockRegion: options.bedrockRegion,
      limits: options.gatewayLimits,
      log: options.gatewayLog,
    });
    // The gateway stops first (settling in-flight calls against a still-running ledger).
    stops.push(() => gateway.stop());
    const admin = new AdminClient(ledger.url, adminToken);
    const demo = options.seedDemo ? await seedDemo(admin) : undefined;
    return { gatewayUrl: gateway.url, ledgerUrl: ledger.url, adminToken, serviceToken, simulator, admin, demo, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
