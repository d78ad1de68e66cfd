// The hold item and the responses stored on it when it resolves.
import type { CaptureResponse, HoldResponse, ReleaseResponse } from '../../../shared/contracts/ledger-internal';
import type { Item } from '../store/port';
import { int, str, strOrNull } from './item-fields';

export type HoldStatus = 'pending' | 'captured' | 'released';

/** Resolved holds stay readable (replays, support) for this long, then DynamoDB TTL deletes them. */
export const RESOLVED_HOLD_RETENTION_S = 30 * 24 * 3600;

export interface Hold {
  hold_id: string;
  wallet_id: string;
  app_id: string;
  key_id: string;
  app_user_id: string;
  model: string;
  price_version: number;
  amount_micros: number;
  input_tokens_estimate: number;
  output_tokens_requested: number;
  output_tokens_max: number;
  status: HoldStatus;
  created_at: string;
  expires_at: string;
  expires_at_ms: number;
  cap_period: string;
  fingerprint: string;
  resolution: string | null;
  resolution_fingerprint: string | null;
}

export function holdFromItem(item: Item): Hold {
  return {
    hold_id: str(item, 'hold_id'),
    wallet_id: str(item, 'wallet_id'),
    app_id: str(item, 'app_id'),
    key_id: str(item, 'key_id'),
    app_user_id: str(item, 'app_user_id'),
    model: str(item, 'model'),
    price_version: int(item, 'price_version'),
    amount_micros: int(item, 'amount_micros'),
    input_tokens_estimate: int(item, 'input_tokens_estimate'),
    output_tokens_requested: int(item, 'output_tokens_requested'),
    output_tokens_max: int(item, 'output_tokens_max'),
    status: str(item, 'status') as HoldStatus,
    created_at: str(item, 'created_at'),
    expires_at: str(item, 'expires_at'),
    expires_at_ms: int(item, 'expires_at_ms'),
    cap_period: str(item, 'cap_period'),
    fingerprint: str(item, 'fingerprint'),
    resolution: strOrNull(item, 'resolution'),
    resolution_fingerprint: strOrNull(item, 'resolution_fingerprint'),
  };
}

export function holdResponse(hold: Hold): HoldResponse {
  return {
    hold_id: hold.hold_id,
    app_id: hold.app_id,
    wallet_id: hold.wallet_id,
    model: hold.model,
    price_version: hold.price_version,
    amount_micros: hold.amount_micros,
    output_tokens_max: hold.output_tokens_max,
    input_tokens_estimate: hold.input_tokens_estimate,
    expires_at: hold.expires_at,
  };
}

export function storedCapture(hold: Hold): CaptureResponse {
  return JSON.parse(hold.resolution!) as CaptureResponse;
}

export function storedRelease(hold: Hold): ReleaseResponse {
  return JSON.parse(hold.resolution!) as ReleaseResponse;
}
