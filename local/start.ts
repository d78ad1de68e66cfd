// `npm start`: the whole of fleeex on this machine, from real parts. DynamoDB Local (in memory, or on
// disk under FLEEEX_DATA_DIR), the Bedrock simulator (unless real Bedrock is configured), the ledger,
// the gateway, a demo app and a funded, authorized demo wallet. Ctrl-C stops every child.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatorOptionsFromEnv, startBedrockSimulator } from '../test/fakes/bedrock-simulator/index';
import { type LocalEnv, parseLocalEnv, usesRealBedrock } from './config';
import { startDynamoDbLocal } from './dynamodb-local';
import { startSqsLocal } from './sqs-local';
import { type DemoSeed, type Stack, seedDemo, startStack } from './stack';

const STATE_DIR = '.fleeex';
const STATE_FILE = join(STATE_DIR, 'local.json');

interface LocalState {
  gateway_url: string;
  ledger_url: string;
  admin_token: string;
  demo: { app_id: string; api_key: string; app_user_id: string; wallet_id: string };
}

type Stop = () => Promise<void>;

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function readPreviousState(): LocalState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

/** With data kept on disk the demo from the last run still exists; reuse it when its key still works. */
async function reuseDemo(stack: Stack, previous: LocalState | undefined): Promise<LocalState['demo'] | undefined> {
  if (!previous?.demo?.api_key) return undefined;
  const response = await fetch(`${stack.gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${previous.demo.api_key}` } });
  await response.body?.cancel();
  return response.ok ? previous.demo : undefined;
}

function banner(state: LocalState, env: LocalEnv, startupMs: number, simulatorUrl: string | undefined): string {
  const model = 'anthropic.claude-3-5-haiku-20241022-v1:0';
  return `
fleeex is running (started in ${(startupMs / 1000).toFixed(1)} s)
  gateway  ${state.gateway_url}   (OpenAI-compatible: /v1/chat/completions, /v1/models, /docs)
  ledger   ${state.ledger_url}   (wallet pages: ${state.ledger_url}/wallet, admin API, /openapi.json)
  bedrock  ${simulatorUrl ? `simulator at ${simulatorUrl}` : 'real AWS Bedrock'}
  dynamodb ${env.FLEEEX_DATA_DIR ? `DynamoDB Local, data in ${env.FLEEEX_DATA_DIR}` : 'DynamoDB Local, in memory'}
  demo     app ${state.demo.app_id}, user "${state.demo.app_user_id}", wallet ${state.demo.wallet_id}
  state    ${STATE_FILE} (admin token and the demo key; git-ignored)

Try it:

curl -s ${state.gateway_url}/v1/models -H "Authorization: Bearer ${state.demo.api_key}"

curl -s ${state.gateway_url}/v1/chat/completions \\
  -H "Authorization: Bearer ${state.demo.api_key}" \\
  -H "X-Fleeex-User: ${state.demo.app_user_id}" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"${model}","messages":[{"role":"user","content":"Hello!"}]}'

// Node, with the official OpenAI SDK (npm i openai):
import OpenAI from 'openai';
const client = new OpenAI({ baseURL: '${state.gateway_url}/v1', apiKey: '${state.demo.api_key}' });
const completion = await client.chat.completions.create(
  { model: '${model}', messages: [{ role: 'user', content: 'Hello!' }] },
  { headers: { 'X-Fleeex-User': '${state.demo.app_user_id}' } },
);
console.log(completion.choices[0].message.content, completion.usage);

Press Ctrl-C to stop.
`;
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const env = parseLocalEnv(process.env);
  const stops: Stop[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('stop failed:', error));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    let dynamoEndpoint = env.FLEEEX_DYNAMODB_ENDPOINT;
    if (!dynamoEndpoint) {
      const dynamo = await startDynamoDbLocal({ port: env.FLEEEX_DYNAMODB_PORT, dataDir: env.FLEEEX_DATA_DIR });
      stops.push(() => dynamo.stop());
      dynamoEndpoint = dynamo.endpoint;
    }

    // The usage pipeline's queues (in-process local-aws-sqs; queues live as long as this process).
    const sqs = await startSqsLocal();
    stops.push(() => sqs.stop());

    const realBedrock = usesRealBedrock(env);
    let simulatorEndpoint: string | undefined;
    if (!realBedrock) {
      const simulator = await startBedrockSimulator(simulatorOptionsFromEnv(process.env));
      stops.push(() => simulator.stop());
      simulatorEndpoint = simulator.url;
    }

    const stack = await startStack({
      dynamoEndpoint,
      tablePrefix: env.FLEEEX_TABLE_PREFIX,
      simulator: simulatorEndpoint ? { endpoint: simulatorEndpoint } : 'aws',
      bedrockRegion: env.FLEEEX_BEDROCK_REGION ?? env.AWS_REGION,
      ledgerPort: env.FLEEEX_LEDGER_PORT,
      gatewayPort: env.FLEEEX_GATEWAY_PORT,
      serviceToken: env.FLEEEX_SERVICE_TOKEN ?? `svc_${randomHex(32)}`,
      adminToken: env.FLEEEX_ADMIN_TOKEN ?? `adm_${randomHex(32)}`,
      seedDemo: false,
      sqsEndpoint: sqs.endpoint,
    });
    stops.push(() => stack.stop());

    const demo: DemoSeed | LocalState['demo'] =
      (env.FLEEEX_DATA_DIR ? await reuseDemo(stack, readPreviousState()) : undefined) ?? (await seedDemo(stack.admin));
    const state: LocalState = {
      gateway_url: stack.gatewayUrl,
      ledger_url: stack.ledgerUrl,
      admin_token: stack.adminToken,
      demo: { app_id: demo.app_id, api_key: demo.api_key, app_user_id: demo.app_user_id, wallet_id: demo.wallet_id },
    };
    mkdirSync(STATE_DIR, { recursive: true });
    writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    console.log(banner(state, env, performance.now() - startedAt, simulatorEndpoint));
  } catch (error) {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

await main();
