// Everything the owner routes use, built once per process.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import Stripe from 'stripe';
import { type CheckoutPort, LocalCheckout, StripeCheckout } from '../stripe/checkout';
import { TopupService } from '../stripe/topups';
import { type OwnerConfig, usesLocalCheckout } from './config';
import { ConnectService } from './connect';
import { LocalMailer, sesMailer } from './mail';
import type { LedgerPort, Mailer, SigninMail } from './ports';
import { SigninService } from './signin';
import { OwnerStore } from './store';

export interface OwnerServices {
  config: OwnerConfig;
  store: OwnerStore;
  ledger: LedgerPort;
  mailer: Mailer;
  /** Local mode: the mails the dev outbox page shows. Null in production. */
  localMailer: LocalMailer | null;
  signin: SigninService;
  connect: ConnectService;
  topups: TopupService;
  checkout: CheckoutPort;
  /** Used for webhook verification (and real Checkout when a secret key is set). */
  stripe: Stripe;
  now: () => Date;
  /** The base URL owners reach this service at (no trailing slash). */
  publicUrl: () => string;
  log: (line: Record<string, unknown>) => void;
}

export interface OwnerServicesOptions {
  config: OwnerConfig;
  dynamo: DynamoDBClient;
  /** The physical ledger table name. */
  tableName: string;
  ledger: LedgerPort;
  /** The server's own URL when FLEEEX_LEDGER_PUBLIC_URL is unset (known once listening). */
  serverUrl: () => string;
  now?: () => Date;
  /** Local mode: called with every sign-in code (`npm start` prints it). */
  onSigninCode?: (mail: SigninMail) => void;
  /** Overrides the mailer (tests, or another provider). */
  mailer?: Mailer;
  /** stripe-node options, e.g. host/port of a Stripe mock. */
  stripeOptions?: Stripe.StripeConfig;
  log?: (line: Record<string, unknown>) => void;
}

export function createOwnerServices(options: OwnerServicesOptions): OwnerServices {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line) => console.log(JSON.stringify({ service: 'ledger', component: 'owner', ...line })));
  const publicUrl = () => (config.publicUrl ?? options.serverUrl()).replace(/\/+$/, '');
  const store = new OwnerStore(options.dynamo, options.tableName);
  const printCode = (mail: SigninMail) => console.log(`[ledger] local mode: sign-in code for ${mail.to} is ${mail.code}`);
  const localMailer = config.mode === 'local' && !options.mailer ? new LocalMailer(options.onSigninCode ?? printCode, now) : null;
  const mailer = options.mailer ?? localMailer ?? sesMailer(config.mailFrom!);
  // Without a secret key the client is only used for webhook signatures (no API call is made).
  const stripe = new Stripe(config.stripeSecretKey ?? 'sk_test_local_mode_no_api_calls', options.stripeOptions ?? {});
  const checkout: CheckoutPort = usesLocalCheckout(config) ? new LocalCheckout(publicUrl) : new StripeCheckout(stripe);
  const signin = new SigninService({ config, store, ledger: options.ledger, mailer, now });
  const connect = new ConnectService({ store, ledger: options.ledger, now, publicUrl });
  const topups = new TopupService({ store, ledger: options.ledger, checkout, now, log });
  return { config, store, ledger: options.ledger, mailer, localMailer, signin, connect, topups, checkout, stripe, now, publicUrl, log };
}
