import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BillingCreditor, creditorFromEnv } from './modules/billing/creditor.config';
import type { QueryLimits } from './graphql/query-limits';
import type { LoginThrottleConfig } from './modules/accounts/login-throttle';

/** Everything the process reads from its environment, parsed once. The only place that reads process.env. */
export interface Config {
  port: number;
  databaseUrl: string;
  redisUrl: string | null;
  mailTransport: string;
  mailFrom: string;
  /** Outgoing SMS (verification codes, R23): `file:<dir>` or an http(s) provider URL (common/sms.ts). */
  smsTransport: string;
  /** Where identity-verification images are kept, encrypted (R24); shared by every instance. */
  identityFilesDir: string;
  secretKey: string;
  isProduction: boolean;
  enableIntrospection: boolean;
  /** GraphiQL at `/`: always outside production; in production only with ENABLE_GRAPHIQL=1 (and never with demo hints). */
  enableGraphiql: boolean;
  /** In production `/metrics` answers loopback without a proxy, or this bearer token. */
  metricsToken: string | null;
  /** Folder for the embedded database, mail files, exports and the generated secret. */
  dataDir: string;
  /** Public base URL used in mails (links to accept invitations, unblock orders). */
  publicUrl: string;
  /** How often the in-process scheduler runs the sweeps; 0 disables it. */
  jobsIntervalMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** R27: requests per minute per token (60; the test harness raises it for its own load). */
  rateLimitPerMinute: number;
  /** Invoice issuer and QR-bill creditor: name, address, IBANs, VAT number (BILLING_*). */
  billingCreditor: BillingCreditor;
  /** Requests per minute per client address without a token (sign-up, log-in, invitations). */
  rateLimitAnonymousPerMinute: number;
  /**
   * Express's `trust proxy`: false (the default) takes the client address from the socket; a hop
   * count (`1`: one balancer in front) or a list of proxy addresses/subnets takes it from
   * X-Forwarded-For, as far as those proxies are trusted.
   */
  trustProxy: boolean | number | string;
  /** Log-in throttling per account and per client address (LOGIN_*). */
  loginThrottle: LoginThrottleConfig;
  /**
   * How long an idle keep-alive connection stays open, and how long a request's headers may take.
   * Above a load balancer's idle timeout (60 s on the usual ones): the balancer closes first, so it
   * never sends a request down a connection the server is closing (intermittent 502s otherwise).
   */
  http: { keepAliveTimeoutMs: number; headersTimeoutMs: number };
  /** Where billing export files are written (R33); several instances must share this folder. */
  exportsDir: string;
  /** How often the in-process export worker looks for queued exports; 0: this instance runs none. */
  exportsPollMs: number;
  /** createOfferRequest per client address per hour (R34), on top of the anonymous rate limit. */
  offerRequestsPerHour: number;
  /** Checked before execution (src/graphql/query-limits.ts); `QUERY_MAX_*`. */
  queryLimits: QueryLimits;
}

export const DEFAULT_DATABASE_URL = 'sqlite:./data/partner-platform.sqlite';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const dataDir = resolve(env.DATA_DIR || dataDirFor(databaseUrl));
  const port = Number(env.PORT || 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);
  const isProduction = env.NODE_ENV === 'production';
  return {
    port,
    databaseUrl,
    redisUrl: env.REDIS_URL || null,
    mailTransport: env.MAIL_TRANSPORT || 'file:./data/mail',
    mailFrom: env.MAIL_FROM || 'Partner Platform <no-reply@partner-platform.local>',
    smsTransport: env.SMS_TRANSPORT || 'file:./data/sms',
    identityFilesDir: resolve(env.IDENTITY_FILES_DIR || join(dataDir, 'identity')),
    secretKey: env.SECRET_KEY ? checkedSecret(env.SECRET_KEY, isProduction) : embeddedSecret(dataDir, isProduction),
    isProduction,
    enableIntrospection: !isProduction || env.ENABLE_INTROSPECTION === '1',
    enableGraphiql: !isProduction || env.ENABLE_GRAPHIQL === '1',
    metricsToken: env.METRICS_TOKEN || null,
    dataDir,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, ''),
    jobsIntervalMs: Number(env.JOBS_INTERVAL_MS ?? 60_000),
    logLevel: (env.LOG_LEVEL as Config['logLevel']) || (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    rateLimitPerMinute: Number(env.RATE_LIMIT_PER_MINUTE || 60),
    billingCreditor: creditorFromEnv(env),
    rateLimitAnonymousPerMinute: positiveInt(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 60),
    trustProxy: trustProxy(env.TRUST_PROXY),
    loginThrottle: loginThrottle(env),
    http: httpTimeouts(env),
    offerRequestsPerHour: positiveInt(env, 'OFFER_REQUESTS_PER_HOUR', 5),
    exportsDir: resolve(env.EXPORTS_DIR || join(dataDir, 'exports')),
    exportsPollMs: env.EXPORTS_POLL_MS === '0' ? 0 : positiveInt(env, 'EXPORTS_POLL_MS', 2000),
    queryLimits: {
      maxDepth: positiveInt(env, 'QUERY_MAX_DEPTH', 12),
      maxAliases: positiveInt(env, 'QUERY_MAX_ALIASES', 15),
      maxDirectives: positiveInt(env, 'QUERY_MAX_DIRECTIVES', 10),
      maxTokens: positiveInt(env, 'QUERY_MAX_TOKENS', 5000),
      maxCost: positiveInt(env, 'QUERY_MAX_COST', 20_000),
    },
  };
}

function trustProxy(raw: string | undefined): Config['trustProxy'] {
  const value = (raw ?? '').trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function loginThrottle(env: NodeJS.ProcessEnv): LoginThrottleConfig {
  const lockMs = positiveInt(env, 'LOGIN_LOCK_MINUTES', 15) * 60_000;
  const delayBaseMs = env.LOGIN_DELAY_MS === '0' ? 0 : positiveInt(env, 'LOGIN_DELAY_MS', 250);
  return {
    accountMaxFailures: positiveInt(env, 'LOGIN_MAX_FAILURES', 10),
    clientMaxFailures: positiveInt(env, 'LOGIN_CLIENT_MAX_FAILURES', 50),
    windowMs: lockMs,
    lockMs,
    freeFailures: 3,
    delayBaseMs,
    delayMaxMs: delayBaseMs * 16,
  };
}

function httpTimeouts(env: NodeJS.ProcessEnv): Config['http'] {
  const keepAliveTimeoutMs = positiveInt(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000);
  const headersTimeoutMs = positiveInt(env, 'HTTP_HEADERS_TIMEOUT_MS', 66_000);
  // Node's own rule: a connection must not be reused while the headers of its next request may still be waiting.
  if (headersTimeoutMs <= keepAliveTimeoutMs)
    throw new ConfigError(
      `HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS (${keepAliveTimeoutMs})`,
    );
  return { keepAliveTimeoutMs, headersTimeoutMs };
}

/** A whole number ≥ 1 from the environment, or the default when unset; anything else stops the start-up. */
function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

/** A configuration mistake: main.ts prints its message (no stack trace) and exits. */
export class ConfigError extends Error {}

function dataDirFor(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file && file !== ':memory:') return dirname(file);
  }
  return './data';
}

export const SECRET_KEY_MIN_BYTES = 32;

/** In production the secret signs and encrypts real data: at least 32 bytes, as the generated one. */
function checkedSecret(secret: string, isProduction: boolean): string {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (isProduction && bytes < SECRET_KEY_MIN_BYTES)
    throw new ConfigError(
      `SECRET_KEY must be at least ${SECRET_KEY_MIN_BYTES} bytes when NODE_ENV=production (it has ${bytes}); generate one with: openssl rand -hex 32`,
    );
  return secret;
}

/** The embedded default generates a secret once and keeps it next to the database; production must set SECRET_KEY. */
function embeddedSecret(dataDir: string, isProduction: boolean): string {
  if (isProduction)
    throw new ConfigError(
      `SECRET_KEY must be set when NODE_ENV=production (at least ${SECRET_KEY_MIN_BYTES} bytes; generate one with: openssl rand -hex 32)`,
    );
  const file = join(dataDir, 'secret.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
