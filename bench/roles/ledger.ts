// Host role: the real ledger server on DynamoDB Local (tables and prices ensured), seeded with one app,
// one well-funded wallet and a grant for one end user, whose credentials the gateway host is given.
import { startLedgerServer } from '../../ledger/src/server';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { randomId } from '../../shared/api-keys';
import type { RunningRole } from './role';

const WALLET_CREDIT_MICROS = 10_000_000_000; // 10,000 EUR: never the limit in a bench run
const APP_USER_ID = 'bench-user';

export async function startRole(options: Record<string, unknown>): Promise<RunningRole> {
  const serviceToken = randomId('svc');
  const server = await startLedgerServer({
    dynamo: { endpoint: String(options.dynamo_endpoint), credentials: LOCAL_AWS_CREDENTIALS },
    tablePrefix: String(options.table_prefix),
    serviceTokens: [serviceToken],
    adminToken: randomId('adm'),
    ensureTables: true,
  });
  const { service } = server;
  const app = await service.apps.create({ name: 'bench' });
  const wallet = await service.wallets.create();
  await service.wallets.credit(wallet.wallet_id, WALLET_CREDIT_MICROS, `bench-credit-${wallet.wallet_id}`);
  await service.grants.grant({ wallet_id: wallet.wallet_id, app_id: app.app_id, app_user_id: APP_USER_ID });
  return {
    url: server.url,
    info: { service_token: serviceToken, api_key: app.api_key, app_user_id: APP_USER_ID },
    stop: () => server.stop(),
  };
}
