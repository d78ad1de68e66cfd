// A real stack per test file (ledger on DynamoDB Local, Bedrock simulator, gateway), and helpers to
// arrange an end user with a funded, authorized wallet and to talk to the gateway through the
// official OpenAI SDK.
import OpenAI from 'openai';
import { inject } from 'vitest';
import { type Stack, type StackOptions, startStack } from '../../local/stack';
import type { CreatedApp } from '../../local/stack/admin-client';
import { uniqueTablePrefix } from '../harness/aws';

export const MODEL = 'anthropic.claude-3-5-haiku-20241022-v1:0';

export function startTestStack(options: Partial<StackOptions> = {}): Promise<Stack> {
  return startStack({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: uniqueTablePrefix(),
    gatewayLog: { error: () => {}, warn: () => {} },
    ...options,
  });
}

export interface TestUser {
  app: CreatedApp;
  walletId: string;
  appUserId: string;
  client: OpenAI;
  /** Available micros (balance - held) as the ledger reports it now. */
  available(): Promise<number>;
  balance(): Promise<number>;
}

let userCount = 0;

/** A new app (or the given one) whose new user holds `balanceMicros` and has authorized the app. */
export async function newUser(
  stack: Stack,
  options: { balanceMicros?: number; capMicros?: number; app?: CreatedApp; grant?: boolean } = {},
): Promise<TestUser> {
  const app = options.app ?? (await stack.admin.createApp(`test app ${++userCount}`));
  const wallet = await stack.admin.createWallet();
  const balance = options.balanceMicros ?? 5_000_000;
  if (balance > 0) await stack.admin.adjust(wallet.wallet_id, balance, `seed-${wallet.wallet_id}`);
  const appUserId = `user-${++userCount}`;
  if (options.grant !== false) await stack.admin.grant(wallet.wallet_id, app.app_id, appUserId, options.capMicros);
  return {
    app,
    walletId: wallet.wallet_id,
    appUserId,
    client: openAiClient(stack, app.api_key, appUserId),
    available: async () => (await stack.admin.wallet(wallet.wallet_id)).available_micros,
    balance: async () => (await stack.admin.wallet(wallet.wallet_id)).balance_micros,
  };
}

/** The OpenAI.APIError the call fails with; a call that succeeds, or fails otherwise, fails the test. */
export async function apiError(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected an API error');
}

export function openAiClient(stack: Stack, apiKey: string, appUserId?: string): OpenAI {
  return new OpenAI({
    apiKey,
    baseURL: `${stack.gatewayUrl}/v1`,
    maxRetries: 0,
    ...(appUserId ? { defaultHeaders: { 'x-fleeex-user': appUserId } } : {}),
  });
}

/**
 * Polls `read` until `done(value)` or the deadline; returns the last value (the caller asserts on it).
 * For settlements after a disconnect. The deadline only bounds a failing run: generous, so a loaded
 * CI machine does not turn a slow settlement into a failure.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs = 15_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}
