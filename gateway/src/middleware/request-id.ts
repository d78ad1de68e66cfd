// Every response carries `x-request-id`: the caller's own when it is a sane token, else a fresh one.
import type { MiddlewareHandler } from 'hono';
import { fastRandomId } from '../ids';
import { REQUEST_ID_CHARS_MAX } from '../../../shared/limits';
import type { GatewayEnv } from '../services';

export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID_PATTERN = new RegExp(`^[A-Za-z0-9._:-]{1,${REQUEST_ID_CHARS_MAX}}$`);

export function requestId(): MiddlewareHandler<GatewayEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : fastRandomId('req');
    c.set('requestId', id);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}
