// What a host role hands back once its part of the system is listening.
export interface RunningRole {
  url: string;
  info: Record<string, unknown>;
  stop(): Promise<void>;
}
