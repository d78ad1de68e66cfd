// Owner pages answer a body that is not a readable form with a 400 page, never a 500: a broken
// multipart upload is the client's mistake, signed in or not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, type OwnerStack, startOwnerStack } from './harness';

let stack: OwnerStack;

beforeAll(async () => {
  stack = await startOwnerStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function postBroken(path: string, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'multipart/form-data; boundary=zz' };
  if (cookie) headers['cookie'] = cookie;
  return fetch(`${stack.ledger.url}${path}`, { method: 'POST', headers, body: 'not a multipart body', redirect: 'manual' });
}

describe('malformed form bodies on owner pages', () => {
  it.each(['/signin', '/signin/code', '/signout'])('answers 400 on %s when signed out', async (path) => {
    const response = await postBroken(path);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('could not be read');
  });

  it.each(['/wallet/topups', '/wallet/grants/app_x/cap', '/wallet/grants/app_x/revoke'])('answers 400 on %s when signed in', async (path) => {
    const browser = new Browser(stack.ledger.url);
    await browser.signIn('broken-form@example.com', (email) => stack.ledger.owner!.localMailer!.latestCodeFor(email));
    const response = await postBroken(path, `fx_session=${browser.cookie('fx_session')}`);
    expect(response.status).toBe(400);
  });
});
