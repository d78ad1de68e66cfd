// One call for the ledger server to mount the owner side: builds the services over the ledger core
// and registers the routes.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { LedgerService } from '../core/service';
import { LEDGER_TABLE, physicalTableName } from '../store/tables';
import { type OwnerConfig, parseOwnerConfig } from './config';
import { registerOwnerRoutes } from './index';
import { CoreLedgerAdapter } from './ledger-adapter';
import type { SigninMail } from './ports';
import { type OwnerServices, type OwnerServicesOptions, createOwnerServices } from './services';

export interface OwnerMountOptions {
  /** Parsed configuration; default: parsed from process.env. */
  config?: OwnerConfig;
  onSigninCode?: (mail: SigninMail) => void;
  stripeOptions?: OwnerServicesOptions['stripeOptions'];
  log?: OwnerServicesOptions['log'];
}

export function mountOwner<E extends Env>(
  app: OpenAPIHono<E>,
  deps: { core: LedgerService; dynamo: DynamoDBClient; tablePrefix: string; serverUrl: () => string },
  options: OwnerMountOptions = {},
): OwnerServices {
  const services = createOwnerServices({
    config: options.config ?? parseOwnerConfig(process.env),
    dynamo: deps.dynamo,
    tableName: physicalTableName(deps.tablePrefix, LEDGER_TABLE),
    ledger: new CoreLedgerAdapter(deps.core),
    serverUrl: deps.serverUrl,
    now: deps.core.clock,
    onSigninCode: options.onSigninCode,
    stripeOptions: options.stripeOptions,
    log: options.log,
  });
  registerOwnerRoutes(app, services);
  return services;
}
