// What the gateway needs from the ledger: the money never moves in the gateway, it asks.
// Every operation throws FleeexError with the ledger's code (or ledger_unavailable) on failure.
import type {
  AppIdentity,
  CaptureRequest,
  CaptureResponse,
  CurrentPrices,
  HoldRequest,
  HoldResponse,
  ReleaseRequest,
  ReleaseResponse,
} from '../../../shared/contracts/ledger-internal';
import type { ConnectSession, ConnectStatus, InternalConnectSessionRequest } from '../../../shared/contracts/connect';
import type { AppUsage, UsageQuery } from '../../../shared/contracts/usage';

export interface LedgerPort {
  hold(request: HoldRequest): Promise<HoldResponse>;
  capture(holdId: string, request: CaptureRequest): Promise<CaptureResponse>;
  release(holdId: string, request: ReleaseRequest): Promise<ReleaseResponse>;
  authenticate(apiKeyHash: string): Promise<AppIdentity>;
  currentPrices(): Promise<CurrentPrices>;
  /** Connect flow (issue 5). Optional so in-memory stand-ins (benchmarks) need not implement it. */
  createConnectSession?(request: InternalConnectSessionRequest): Promise<ConnectSession>;
  connectStatus?(appId: string, appUserId: string): Promise<ConnectStatus>;
  /** An app's own usage from the rollups (issue 6). Optional for in-memory stand-ins. */
  appUsage?(appId: string, query: UsageQuery): Promise<AppUsage>;
}
