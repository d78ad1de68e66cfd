// A gateway host reports the app key and end user it can be called with (seeded by its role).
import type { FleeexCredentials } from '../lib/clients';
import type { Host } from '../lib/host-client';

export function credentialsOf(gateway: Host): FleeexCredentials {
  const { api_key, app_user_id } = gateway.info;
  if (typeof api_key !== 'string' || typeof app_user_id !== 'string') throw new Error('gateway host gave no credentials');
  return { gatewayUrl: gateway.url, apiKey: api_key, appUserId: app_user_id };
}
