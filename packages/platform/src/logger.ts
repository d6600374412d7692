/** Structured JSON logs (pino). One root logger per process; children carry the request id. */
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-platform-identity"]', '*.password', '*.token'], remove: true },
  });
}
