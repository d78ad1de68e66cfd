// The Bedrock Runtime simulator: Converse and ConverseStream on Bedrock's real wire protocol, for the
// gateway's tests, `npm start` and benchmarks. Point the real SDK at it over plain HTTP/1.1:
//   new BedrockRuntimeClient({ endpoint: sim.url, region: 'us-east-1',
//     credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, requestHandler: new NodeHttpHandler() })
// (the SDK's default handler speaks HTTP/2, which this server does not). See README.md beside this file.
import { z } from 'zod';
import type { BedrockSimulatorOptions } from './server';

export { FAULT_MODEL_SUFFIX, SIM_FAULTS, type SimFault } from './faults';
export { DEFAULT_MAX_TOKENS, SIMULATOR_TOKENS_MAX } from './model';
export { type BedrockSimulator, type BedrockSimulatorOptions, type SimulatedRequest, type SimulatorStats, startBedrockSimulator } from './server';
export { countSimulatorTokens, splitSimulatorTokens } from './tokenizer';

export const SIMULATOR_PORT_DEFAULT = 8790;

const intFromEnv = (max: number) => z.coerce.number().int().min(0).max(max);

const simulatorEnvSchema = z.object({
  FLEEEX_SIMULATOR_PORT: intFromEnv(65_535).default(SIMULATOR_PORT_DEFAULT),
  FLEEEX_SIMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  FLEEEX_SIMULATOR_TTFT_MS: intFromEnv(60_000).default(0),
  FLEEEX_SIMULATOR_PER_TOKEN_MS: intFromEnv(60_000).default(0),
  FLEEEX_SIMULATOR_TOKENS_PER_DELTA: z.coerce.number().int().min(1).max(1000).default(3),
});

/** Simulator options from the environment; throws naming the variable when a value is bad. */
export function simulatorOptionsFromEnv(env: Record<string, string | undefined> = process.env): Required<BedrockSimulatorOptions> {
  const parsed = simulatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`bad environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.FLEEEX_SIMULATOR_PORT,
    host: e.FLEEEX_SIMULATOR_HOST,
    ttftMs: e.FLEEEX_SIMULATOR_TTFT_MS,
    perTokenMs: e.FLEEEX_SIMULATOR_PER_TOKEN_MS,
    tokensPerDelta: e.FLEEEX_SIMULATOR_TOKENS_PER_DELTA,
  };
}
