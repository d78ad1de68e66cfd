// One app user id is named the same way everywhere: the connect flow (gateway and the ledger's internal
// route behind it) refuses what the chat route refuses (surrounding whitespace, control characters),
// with the same message, so no app can connect a user its calls could never name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appApi, chat, type OwnerStack, startOwnerStack } from '../owner/harness';

let stack: OwnerStack;
let gw = '';
let app: { app_id: string; api_key: string };

beforeAll(async () => {
  stack = await startOwnerStack({ gateway: true });
  gw = stack.gateway!.url;
  app = await stack.createApp('Id Rules', ['https://ids.example']);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const BAD_IDS = [' user-1 ', 'a\u0000b', 'user-1\n', '\tuser-1'];
const session = (appUserId: string) => ({ app_user_id: appUserId, return_url: 'https://ids.example/back' });

async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { message: string; type?: string; param?: string | null; code: string } };
  return { status: response.status, ...body.error };
}

describe('app_user_id in the connect flow', () => {
  it('POST /v1/connect/sessions refuses surrounding whitespace and control characters with 400, as chat does', async () => {
    for (const id of BAD_IDS) {
      const refused = await errorOf(await appApi(gw, app.api_key, '/v1/connect/sessions', session(id)));
      expect(refused).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'app_user_id', code: 'invalid_request' });
      // The chat route's `user` field names users by the same rule, with the same words.
      const response = await fetch(`${gw}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.api_key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: 'hi' }], user: id }),
      });
      const chatRefused = await errorOf(response);
      expect(chatRefused.status).toBe(400);
      expect(refused.message.replace(/^app_user_id: /, '')).toBe(chatRefused.message.replace(/^user: /, ''));
    }
    expect((await appApi(gw, app.api_key, '/v1/connect/sessions', session('user-1'))).status).toBe(201);
  });

  it('the ledger internal route and the status query refuse them too', async () => {
    for (const id of BAD_IDS) {
      const internal = await fetch(`${stack.ledger.url}/internal/v1/connect/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.serviceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...session(id), app_id: app.app_id }),
      });
      expect(internal.status).toBe(400);
      const status = await appApi(gw, app.api_key, `/v1/connect/status?app_user_id=${encodeURIComponent(id)}`);
      expect(status.status).toBe(400);
    }
    expect((await appApi(gw, app.api_key, '/v1/connect/status?app_user_id=user-1')).status).toBe(200);
    // A well-named user nobody connected is refused by the ledger (403), not by the id rules.
    expect((await chat(gw, app.api_key, 'user-1')).status).toBe(403);
  });
});
