// Configuration of the owner flows, parsed once from the environment; a bad value stops start-up.
import { z } from 'zod';
import { randomToken } from './crypto';

const OwnerEnvSchema = z
  .object({
    /** `local` serves the dev outbox page and the local checkout; `production` never does. */
    FLEEEX_ENV: z.enum(['local', 'production']).default('local'),
    /** Where owners reach the ledger's pages (connect links point here). Defaults to the server's own URL. */
    FLEEEX_LEDGER_PUBLIC_URL: z.url().optional(),
    /** Keys the HMAC of sign-in codes and CSRF tokens. Required in production (>= 32 chars). */
    FLEEEX_OWNER_SECRET: z.string().min(32).optional(),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Local mode only: the secret the local checkout signs its webhooks with. */
    FLEEEX_LOCAL_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** SES sender (production). */
    FLEEEX_MAIL_FROM: z.email().optional(),
  })
  .superRefine((env, ctx) => {
    if (env.FLEEEX_ENV !== 'production') return;
    for (const name of ['FLEEEX_LEDGER_PUBLIC_URL', 'FLEEEX_OWNER_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'FLEEEX_MAIL_FROM'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required when FLEEEX_ENV=production` });
    }
  });

export interface OwnerConfig {
  mode: 'local' | 'production';
  /** null: use the URL the server was started on. */
  publicUrl: string | null;
  secret: string;
  /** null in local mode (no Stripe keys): the local checkout stands in for Stripe Checkout. */
  stripeSecretKey: string | null;
  webhookSecret: string;
  mailFrom: string | null;
  /** Secure cookies everywhere but plain-http local mode. */
  secureCookies: boolean;
}

/** Running on AWS (ECS, Lambda) without FLEEEX_ENV means production: dev pages must fail closed. */
function onAws(env: Record<string, string | undefined>): boolean {
  return Boolean(env['ECS_CONTAINER_METADATA_URI_V4'] || env['ECS_CONTAINER_METADATA_URI'] || env['AWS_EXECUTION_ENV']);
}

export function parseOwnerConfig(env: Record<string, string | undefined>): OwnerConfig {
  const parsed = OwnerEnvSchema.safeParse({ ...env, FLEEEX_ENV: env['FLEEEX_ENV'] ?? (onAws(env) ? 'production' : undefined) });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`invalid owner configuration: ${problems}`);
  }
  const value = parsed.data;
  const stripeSecretKey = value.STRIPE_SECRET_KEY ?? null;
  if (stripeSecretKey && !value.STRIPE_WEBHOOK_SECRET) {
    throw new Error('invalid owner configuration: STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
  }
  return {
    mode: value.FLEEEX_ENV,
    publicUrl: value.FLEEEX_LEDGER_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    secret: value.FLEEEX_OWNER_SECRET ?? randomToken(),
    stripeSecretKey,
    webhookSecret: stripeSecretKey ? value.STRIPE_WEBHOOK_SECRET! : (value.FLEEEX_LOCAL_WEBHOOK_SECRET ?? `whsec_local_${randomToken()}`),
    mailFrom: value.FLEEEX_MAIL_FROM ?? null,
    secureCookies: value.FLEEEX_ENV === 'production' || (value.FLEEEX_LEDGER_PUBLIC_URL?.startsWith('https:') ?? false),
  };
}

/** Without Stripe keys (never in production) the local checkout page stands in for Stripe Checkout. */
export function usesLocalCheckout(config: OwnerConfig): boolean {
  return config.stripeSecretKey === null;
}

/** The dev outbox page (sign-in codes in clear) exists only in local mode. */
export function devPagesEnabled(config: OwnerConfig): boolean {
  return config.mode === 'local';
}
