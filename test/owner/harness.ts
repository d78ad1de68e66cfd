// The owner tests' stack: DynamoDB Local tables under a fresh prefix, the ledger in-process with the
// owner side mounted in local mode, and a cookie-keeping HTTP "browser" that signs in like a person.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import Stripe from 'stripe';
import { randomToken } from '../../ledger/src/owner/crypto';
import { parseOwnerConfig } from '../../ledger/src/owner/config';
import { type GatewayServer, startGatewayServer } from '../../gateway/src/server';
import { type LedgerServer, startLedgerServer } from '../../ledger/src/server';
import { type BedrockSimulator, startBedrockSimulator } from '../fakes/bedrock-simulator';
import { ensureTables } from '../../ledger/src/store/ensure-tables';
import { testDynamoClient, uniqueTablePrefix } from '../harness/aws';

export const WEBHOOK_SECRET = 'whsec_test_owner_flows';

export interface OwnerStack {
  ledger: LedgerServer;
  /** Present when started with `gateway: true` (in front of the Bedrock simulator). */
  gateway: GatewayServer | null;
  dynamo: DynamoDBClient;
  serviceToken: string;
  adminToken: string;
  clock: { now: Date };
  admin(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  createApp(name: string, returnOrigins: string[]): Promise<{ app_id: string; api_key: string; key_id: string }>;
  /** A correctly signed webhook delivery (Stripe's own helper), optionally with a given timestamp. */
  deliver(event: object, options?: { timestamp?: number; secret?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startOwnerStack(options: { clock?: { now: Date }; gateway?: boolean } = {}): Promise<OwnerStack> {
  const dynamo = testDynamoClient({ maxAttempts: 3 });
  const prefix = uniqueTablePrefix();
  await ensureTables(dynamo, prefix);
  const serviceToken = randomToken();
  const adminToken = randomToken();
  const clock = options.clock;
  const ledger = await startLedgerServer({
    dynamo,
    tablePrefix: prefix,
    serviceTokens: [serviceToken],
    adminToken,
    ensureTables: false,
    clock: clock ? () => clock.now : undefined,
    owner: {
      config: parseOwnerConfig({ FLEEEX_ENV: 'local', FLEEEX_LOCAL_WEBHOOK_SECRET: WEBHOOK_SECRET, FLEEEX_OWNER_SECRET: randomToken() }),
      log: () => {},
    },
  });
  await ledger.service.seedPricesIfEmpty();
  let simulator: BedrockSimulator | null = null;
  let gateway: GatewayServer | null = null;
  if (options.gateway) {
    simulator = await startBedrockSimulator();
    gateway = await startGatewayServer({ ledgerUrl: ledger.url, serviceToken, bedrockEndpoint: simulator.url, log: { error: () => {}, warn: () => {} } });
  }
  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${ledger.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  return {
    ledger,
    gateway,
    dynamo,
    serviceToken,
    adminToken,
    clock: clock ?? { now: new Date() },
    admin,
    async createApp(name, returnOrigins) {
      const response = await admin('/admin/apps', { body: { name, return_origins: returnOrigins } });
      if (response.status !== 201) throw new Error(`create app: ${response.status} ${await response.text()}`);
      return (await response.json()) as { app_id: string; api_key: string; key_id: string };
    },
    deliver(event, deliverOptions = {}) {
      const payload = JSON.stringify(event);
      const header = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: deliverOptions.secret ?? WEBHOOK_SECRET,
        timestamp: deliverOptions.timestamp,
      });
      return fetch(`${ledger.url}/stripe/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
    },
    async stop() {
      await gateway?.stop();
      await simulator?.stop();
      await ledger.stop();
      dynamo.destroy();
    },
  };
}

/** A minimal browser: keeps cookies, never follows redirects by itself, reads CSRF tokens from forms. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    readonly ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
  ) {}

  async request(path: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...init.headers };
    if (this.cookies.size) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(path.startsWith('http') ? path : `${this.baseUrl}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** GETs a page and returns its HTML and the CSRF token of its first form. */
  async page(path: string): Promise<{ response: Response; html: string; csrf: string }> {
    const response = await this.request(path);
    const html = await response.text();
    const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1] ?? '';
    return { response, html, csrf };
  }

  /** The whole email-code sign-in; returns where the last redirect pointed. */
  async signIn(email: string, readCode: (email: string) => string | null, next = '/wallet'): Promise<string> {
    const signin = await this.page(`/signin?next=${encodeURIComponent(next)}`);
    const sent = await this.request('/signin', { form: { _csrf: signin.csrf, email, next } });
    if (sent.status !== 303) throw new Error(`sign-in request: ${sent.status} ${await sent.text()}`);
    const codePage = await this.page(sent.headers.get('location')!);
    const code = readCode(email.toLowerCase());
    if (!code) throw new Error('no code in the outbox');
    const verified = await this.request('/signin/code', { form: { _csrf: codePage.csrf, email, code, next } });
    if (verified.status !== 303) throw new Error(`code entry: ${verified.status} ${await verified.text()}`);
    return verified.headers.get('location')!;
  }
}

/** Tops the signed-in browser's wallet up through the wallet page and the local checkout (signed webhook). */
export async function topUpThroughCheckout(browser: Browser, euros: string): Promise<void> {
  const wallet = await browser.page('/wallet');
  const started = await browser.request('/wallet/topups', { form: { _csrf: wallet.csrf, preset: 'custom', custom_amount: euros } });
  if (started.status !== 303) throw new Error(`top-up: ${started.status} ${await started.text()}`);
  const checkout = await browser.page(started.headers.get('location')!);
  if (!checkout.html.includes('LOCAL TEST MODE')) throw new Error('not the local checkout page');
  const paid = await browser.request(new URL(started.headers.get('location')!).pathname, { form: { _csrf: checkout.csrf, outcome: 'pay' } });
  if (paid.status !== 303) throw new Error(`pay: ${paid.status} ${await paid.text()}`);
}

export function chat(gatewayUrl: string, apiKey: string, appUserId: string, model = 'amazon.nova-micro-v1:0', maxTokens = 32): Promise<Response> {
  return fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'x-fleeex-user': appUserId },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello to the wallet owner.' }], max_completion_tokens: maxTokens }),
  });
}

export function appApi(gatewayUrl: string, apiKey: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gatewayUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
