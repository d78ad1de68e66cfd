import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv, GatewayServices } from '../services';

export function provideServices(services: GatewayServices): MiddlewareHandler<GatewayEnv> {
  return async function provideServicesMiddleware(c, next) {
    c.set('services', services);
    await next();
  };
}
