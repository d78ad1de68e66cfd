// The gateway's configuration, parsed once at start-up from the environment. A bad value stops the
// process with a message naming the variable; secrets are never echoed.
import { z } from 'zod';

export const GATEWAY_PORT_DEFAULT = 8787;
export const BEDROCK_REGION_DEFAULT = 'eu-central-1';

const ConfigEnvSchema = z.object({
  FLEEEX_GATEWAY_PORT: z.coerce.number().int().min(0).max(65_535).default(GATEWAY_PORT_DEFAULT),
  /** 0.0.0.0 by default: in a container the load balancer reaches the task on its own interface. */
  FLEEEX_GATEWAY_HOST: z.string().min(1).default('0.0.0.0'),
  FLEEEX_LEDGER_URL: z.url({ protocol: /^https?$/ }),
  FLEEEX_SERVICE_TOKEN: z.string().min(32, 'must be at least 32 characters'),
  FLEEEX_BEDROCK_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  FLEEEX_BEDROCK_REGION: z.string().min(1).optional(),
  AWS_REGION: z.string().min(1).optional(),
  FLEEEX_LEDGER_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export interface GatewayConfig {
  port: number;
  host: string;
  ledgerUrl: string;
  serviceToken: string;
  /** A custom Bedrock Runtime endpoint (the simulator); unset means AWS's regional endpoint. */
  bedrockEndpoint: string | undefined;
  bedrockRegion: string;
  /** Where wallet owners reach the ledger's pages (connect, top-up), for links in messages. */
  ledgerPublicUrl: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseGatewayConfig(env: Record<string, string | undefined>): GatewayConfig {
  // Empty strings (unset in a .env file) mean "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigEnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Bad environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    port: e.FLEEEX_GATEWAY_PORT,
    host: e.FLEEEX_GATEWAY_HOST,
    ledgerUrl: e.FLEEEX_LEDGER_URL,
    serviceToken: e.FLEEEX_SERVICE_TOKEN,
    bedrockEndpoint: e.FLEEEX_BEDROCK_ENDPOINT,
    bedrockRegion: e.FLEEEX_BEDROCK_REGION ?? e.AWS_REGION ?? BEDROCK_REGION_DEFAULT,
    ledgerPublicUrl: e.FLEEEX_LEDGER_PUBLIC_URL,
  };
}
