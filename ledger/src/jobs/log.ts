// One structured JSON line per job event. Alerts carry `alert: true` so a log metric filter
// (CloudWatch) can page on them. Never log secrets or whole events (ids and amounts only).

export type LogLevel = 'info' | 'warn' | 'error';
export type JobLogger = (level: LogLevel, msg: string, fields?: Record<string, unknown>, alert?: boolean) => void;

export const logJob: JobLogger = (level, msg, fields = {}, alert = false) => {
  const line = JSON.stringify({ time: new Date().toISOString(), level, component: 'jobs', msg, ...(alert ? { alert: true } : {}), ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
};
