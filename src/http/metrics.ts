import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics for `GET /metrics` (DESIGN section 10). The process metrics (CPU, memory,
 * event loop, GC) exist once per process; the HTTP and GraphQL metrics belong to one server
 * instance, in its own registry, so several servers in one process (tests) never collide.
 */
export interface Metrics {
  registry: Registry;
  /** Counts every HTTP request and its duration by method, route pattern and status. */
  httpMiddleware: RequestHandler;
  /** Counts GraphQL operations by name, type and outcome (success, error, invalid). */
  apolloPlugin: ApolloServerPlugin;
  /** Serves the Prometheus text format. */
  handler: RequestHandler;
  /** Operations answered in this process because Redis was unreachable, by use (rate_limit, login_throttle). */
  redisFallbacks: Counter<'use'>;
  /** Log-in locks, by scope (account, client). */
  loginLocks: Counter<'scope'>;
}

let processRegistry: Registry | null = null;

/** Default process metrics, collected once: they describe the process, not a server instance. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Operation names come from clients: past this many distinct ones they count as "other". */
const MAX_OPERATION_NAMES = 200;

/** `redisUp` says whether the shared Redis answers (null: not configured, no series). */
export function createMetrics(options: { redisUp?: () => boolean | null } = {}): Metrics {
  const registry = new Registry();
  const redisFallbacks = new Counter({
    name: 'redis_fallback_total',
    help: 'Operations counted in this process because Redis was unreachable, by use (rate_limit, login_throttle).',
    labelNames: ['use'],
    registers: [registry],
  });
  const loginLocks = new Counter({
    name: 'login_locks_total',
    help: 'Log-in locks after too many failed attempts, by scope (account, client).',
    labelNames: ['scope'],
    registers: [registry],
  });
  new Gauge({
    name: 'redis_up',
    help: '1 while the shared Redis (REDIS_URL) is connected, 0 while it is unreachable.',
    registers: [registry],
    collect() {
      const up = options.redisUp?.();
      if (up !== null && up !== undefined) this.set(up ? 1 : 0);
    },
  });
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, from arrival to the last byte sent.',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations by operation name, type (query, mutation) and outcome (success, error, invalid).',
    labelNames: ['operation', 'type', 'outcome'],
    registers: [registry],
  });
  const operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration in seconds, from parsing to the response.',
    labelNames: ['operation', 'type'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const knownNames = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
    if (!knownNames.has(name) && knownNames.size >= MAX_OPERATION_NAMES) return 'other';
    knownNames.add(name);
    return name;
  };

  return {
    registry,
    redisFallbacks,
    loginLocks,
    httpMiddleware(req: Request, res: Response, next: NextFunction) {
      const end = httpDuration.startTimer();
      res.once('finish', () => {
        const labels = { method: req.method, route: routeLabel(req, res), status: String(res.statusCode) };
        httpRequests.inc(labels);
        end(labels);
      });
      next();
    },
    apolloPlugin: {
      async requestDidStart() {
        const end = operationDuration.startTimer();
        let resolved = false;
        let failed = false;
        return {
          async didResolveOperation() {
            resolved = true;
          },
          async didEncounterErrors() {
            failed = true;
          },
          async willSendResponse({ operationName, operation }) {
            const labels = {
              operation: resolved ? operationLabel(operationName) : 'invalid',
              type: operation?.operation ?? 'unknown',
            };
            operations.inc({ ...labels, outcome: !resolved ? 'invalid' : failed ? 'error' : 'success' });
            end(labels);
          },
        };
      },
    },
    async handler(_req: Request, res: Response) {
      const merged = Registry.merge([processMetrics(), registry]);
      res.type(merged.contentType).send(await merged.metrics());
    },
  };
}

/** The route pattern (never the raw path: ids would make one series per object). */
function routeLabel(req: Request, res: Response): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}` || '/';
  if (req.baseUrl) return req.baseUrl;
  return res.statusCode === 404 ? 'unmatched' : 'other';
}

/** True for a connection from this machine (IPv4 127.0.0.0/8, IPv6 ::1, or IPv4 loopback mapped to IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * In production `/metrics` answers a scraper on this machine, or one sending `Authorization: Bearer
 * <METRICS_TOKEN>`; everyone else gets 401. "This machine" is the socket's address, never a header,
 * and a request that came through a proxy (it carries X-Forwarded-For) is not local even when the
 * proxy runs on loopback: otherwise a reverse proxy on the same host would open the metrics to all.
 */
export function metricsAccess(token: string | null): RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req, res, next) => {
    if (isLoopback(req.socket.remoteAddress) && req.header('x-forwarded-for') === undefined) return next();
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1];
    // Hashing both sides gives equal lengths, so the comparison takes the same time whatever was sent.
    if (expected && bearer && timingSafeEqual(createHash('sha256').update(bearer).digest(), expected)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="metrics"')
      .json({
        errors: [{ message: 'Metrics need the METRICS_TOKEN bearer token.', extensions: { code: 'UNAUTHENTICATED' } }],
      });
  };
}
