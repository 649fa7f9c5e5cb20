/** A small structured logger: one JSON line per event on stderr. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel): Logger {
  const write =
    (at: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[at] < ORDER[level]) return;
      const safe = Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [
          k,
          v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
        ]),
      );
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...safe })}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
