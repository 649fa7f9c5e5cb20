import pino, { DestinationStream } from 'pino';
import { currentRequest } from './request-scope';

/**
 * Structured logs with pino: one JSON line per event on stderr (`time`, `level`, `message`, fields).
 * Lines written during a request carry its `requestId` (and `operationName`, `viewerId` once known).
 * Secrets never reach the output: values under sensitive keys (password, token, secret,
 * authorization, cookie, …) become "[redacted]", and bearer secrets of this platform (`ppl_…`,
 * `ppa_…`, `ppi_…`) are cut out of every string, error messages and stacks included.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const REDACTED = '[redacted]';
const SENSITIVE_KEY = /pass(word)?|secret|token|authorization|cookie|credential|api[-_]?key|signature/i;
const PLATFORM_SECRET = /\bpp[lai]_[A-Za-z0-9_-]{20,}/g;

/** `value` with secrets removed: sensitive keys redacted at any depth, platform secrets cut from strings. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(PLATFORM_SECRET, (s) => `${s.slice(0, 4)}${REDACTED}`);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const code = (value as { code?: unknown }).code;
    return redactSecrets({ name, message, stack, ...(code === undefined ? {} : { code }) }, depth + 1);
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SENSITIVE_KEY.test(key) ? REDACTED : redactSecrets(item, depth + 1),
    ]),
  );
}

/** A logger at `level`, writing to stderr unless given another destination (tests collect the lines). */
export function createLogger(level: LogLevel, destination: DestinationStream = pino.destination(2)): Logger {
  const base = pino(
    {
      level,
      base: undefined,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const scope = currentRequest();
        return scope
          ? { requestId: scope.requestId, operationName: scope.operationName, viewerId: scope.viewerId }
          : {};
      },
    },
    destination,
  );
  const write =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (!base.isLevelEnabled(at)) return;
      base[at](redactSecrets(fields) as Record<string, unknown>, redactSecrets(message) as string);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
