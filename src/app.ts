import http from 'node:http';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { NextFunction, Request, Response } from 'express';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { DataSource } from 'typeorm';
import { databaseIdentity } from './db/data-source';
import { countStatementsPerRequest, STATEMENTS_HEADER } from './db/statement-counter';
import { Clock, RequestContext, systemClock, Viewer } from './context';
import { Config } from './config';
import { createMailer, Mailer } from './common/mail';
import { createLogger, Logger } from './common/logger';
import { currentRequest } from './common/request-scope';
import type { GraphQLContext } from './graphql/context';
import { formatError, isExpectedError, SERVICE_UNAVAILABLE, ServiceUnavailableError } from './graphql/errors';
import { isDatabaseUnavailable } from './db/errors';
import { queryCostPlugin, queryLimitRules } from './graphql/query-limits';
import { unicodeInputPlugin } from './graphql/unicode-input';
import { buildAppSchema } from './graphql/schema';
import { graphiqlRouter } from './http/graphiql';
import { invoicePdfRouter } from './http/invoice-pdf.route';
import { verificationImagesRouter } from './http/verification-images.route';
import { exportDownloadRouter } from './http/export-download.route';
import { ExportWorker } from './modules/exports/export-worker';
import { createMetrics, metricsAccess } from './http/metrics';
import { requestLog } from './http/request-log';
import { healthzHandler } from './http/healthz';
import { clientAddress } from './http/client-address';
import { cachedBearerBudget, memoryCounter, rateLimit, sharedCounter } from './http/rate-limit';
import { connectSharedRedis } from './common/redis';
import { sharedAttemptStore } from './modules/accounts/login-throttle';
import { createJobLock } from './jobs/lock';
import { createJobs, Job, runJobs } from './jobs/runner';
import { createShield } from './permissions/permissions';
import { createServices, Services } from './services';

export interface AppOptions {
  config: Config;
  dataSource: DataSource;
  clock?: Clock;
  mailer?: Mailer;
  logger?: Logger;
  /**
   * Tests and the benchmark: count the SQL statements of each request and answer them in the
   * `X-SQL-Statements` header (db/statement-counter.ts). Nothing in the configuration sets it.
   */
  countStatements?: boolean;
  /**
   * Benchmark only (bench/server.ts, measuring what the permission layer costs): serve the schema
   * without the shield. Nothing in the configuration or main.ts sets it, and it is refused in production.
   */
  withoutPermissionLayerForBenchmark?: boolean;
}

export interface App {
  httpServer: http.Server;
  express: express.Express;
  services: Services;
  /** Every sweep, bound to `services` (jobs/runner.ts). */
  jobs: Job[];
  schema: GraphQLSchema;
  logger: Logger;
  /** A context outside any request (CLI, jobs, seeds): the platform itself, or acting as a user. */
  systemContext(viewer?: Viewer | null): RequestContext;
  /** Runs the sweeps in-process every `jobsIntervalMs`; returns the function that stops it. */
  startScheduler(): () => void;
  /** This instance's billing export worker (R33); `startExportWorker` polls with it. */
  exportWorker: ExportWorker;
  /** Polls the export queue every `exportsPollMs` (0: never); returns the function that stops it. */
  startExportWorker(): () => void;
  stop(): Promise<void>;
}

/** createServer(): schema + shield + Apollo + HTTP routes. Does not listen; main.ts does. */
export async function createServer(options: AppOptions): Promise<App> {
  const { config, dataSource } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const mailer = options.mailer ?? createMailer(config.mailTransport, config.mailFrom);
  // Shared by every instance when REDIS_URL is set; counted in this process while Redis is unreachable.
  const redis = config.redisUrl
    ? connectSharedRedis(config.redisUrl, {
        logger,
        onFallback: (use) => metrics.redisFallbacks.inc({ use }),
        // Named after the database: deployments (and test databases) sharing one Redis share no budgets.
        keyPrefix: `pp:${databaseIdentity(dataSource)}:`,
      })
    : null;
  // A moment for the connection, so the first requests are not counted apart; an unreachable Redis waits no longer.
  if (redis) await redis.ready(1000);
  const metrics = createMetrics({ redisUp: () => (redis ? redis.isReady() : null) });
  const rateCounter = redis ? sharedCounter(redis) : memoryCounter();
  const services = createServices(config, mailer, clock, {
    rateCounter,
    loginAttempts: redis ? sharedAttemptStore(redis, config.loginThrottle.lockMs) : undefined,
    onLoginLock: (lock) => {
      metrics.loginLocks.inc({ scope: lock.scope });
      logger.warn('log-in locked', {
        scope: lock.scope,
        // An account lock names the account in its organizations' audit log only; the log keeps no email.
        subject: lock.scope === 'client' ? lock.subject : undefined,
        failures: lock.failures,
        until: lock.until.toISOString(),
      });
    },
  });
  const jobs = createJobs(services);
  const schema = await buildAppSchema();
  if (options.withoutPermissionLayerForBenchmark && config.isProduction)
    throw new Error('The permission layer cannot be left out in production.');
  const guarded = options.withoutPermissionLayerForBenchmark ? schema : applyMiddleware(schema, createShield(schema));
  if (options.countStatements) countStatementsPerRequest(dataSource);

  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY: which proxies may set the client address (X-Forwarded-For) for req.ip; off by default.
  app.set('trust proxy', config.trustProxy);
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  httpServer.headersTimeout = config.http.headersTimeoutMs;
  const jobLock = createJobLock(config.redisUrl, dataSource);
  /** Without a viewer it acts for the platform (full access): the scheduler, the CLI, seeds. */
  const systemContext = (viewer: Viewer | null = null) => {
    const ctx = new RequestContext(dataSource, dataSource.manager, viewer, clock);
    return viewer ? ctx : ctx.asSystem();
  };

  /** The context of one HTTP request: its bearer token resolved to a viewer, or the reason it was refused. */
  const requestContext = async (req: Request, res: Response): Promise<GraphQLContext> => {
    const base = new RequestContext(dataSource, dataSource.manager, null, clock, res.locals.requestId as string);
    const clientIp = clientAddress(req);
    try {
      const viewer = await services.auth.authenticate(base, req.header('authorization'));
      const scope = currentRequest();
      if (scope && viewer) scope.viewerId = viewer.user.id;
      return Object.assign(base.withViewer(viewer), { services, clientIp });
    } catch (error) {
      if (error instanceof GraphQLError) return Object.assign(base, { services, clientIp, authError: error });
      // The database is unreachable: a clean, retryable 503 rather than "Context creation failed" (issue 9).
      if (isDatabaseUnavailable(error)) throw new ServiceUnavailableError();
      throw error;
    }
  };

  const apollo = new ApolloServer<GraphQLContext>({
    schema: guarded,
    introspection: config.enableIntrospection,
    // In production no "Did you mean …?" in errors: they would spell out the schema field by field.
    hideSchemaDetailsFromClientErrors: config.isProduction,
    formatError,
    includeStacktraceInErrorResponses: false,
    // Limits on depth, aliases, directives, tokens and cost, all before execution (src/graphql/query-limits.ts).
    validationRules: queryLimitRules(config.queryLimits),
    parseOptions: { maxTokens: config.queryLimits.maxTokens },
    // Authentication is a bearer header, never a cookie, so a cross-site request carries no
    // credentials: CSRF prevention is not needed, and it would refuse plain GET queries (section 10).
    csrfPrevention: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      errorLogging(logger),
      metrics.apolloPlugin,
      queryCostPlugin(config.queryLimits.maxCost),
      unicodeInputPlugin,
      serviceUnavailableStatus,
      // No cache hints anywhere: without this, Apollo's implicit cache-control plugin wraps every field.
      ApolloServerPluginCacheControlDisabled(),
      ...(options.countStatements ? [statementsHeader] : []),
    ],
  });
  await apollo.start();

  app.use(requestLog(logger));
  app.use(metrics.httpMiddleware);
  if (config.isProduction) app.get('/metrics', metricsAccess(config.metricsToken), metrics.handler);
  else app.get('/metrics', metrics.handler);
  app.get('/healthz', healthzHandler(dataSource, redis));
  if (config.enableGraphiql) app.use(graphiqlRouter({ demoHint: !config.isProduction }));
  const limited = rateLimit(rateCounter, {
    limits: { perToken: config.rateLimitPerMinute, anonymousPerClient: config.rateLimitAnonymousPerMinute },
    budgetOf: cachedBearerBudget((bearer) =>
      services.auth.rateLimitBudget(new RequestContext(dataSource, dataSource.manager, null, clock), bearer),
    ),
  });
  // Every route that answers the outside world; the image upload of an identity verification is anonymous.
  app.use('/invoices', limited);
  app.use('/verifications', limited);
  app.use('/exports', limited);
  app.use(
    '/graphql',
    limited,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: ({ req, res }) => requestContext(req, res),
    }),
  );
  app.use(invoicePdfRouter(requestContext));
  app.use(verificationImagesRouter(requestContext));
  app.use(exportDownloadRouter(requestContext));
  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.parse.failed') {
      res.status(400).json({
        errors: [
          { message: `Malformed JSON in the request body: ${error.message}`, extensions: { code: 'BAD_REQUEST' } },
        ],
      });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (isDatabaseUnavailable(error) || error instanceof ServiceUnavailableError) {
      logger.warn('database unavailable', { requestId: res.locals.requestId, error });
      res
        .status(503)
        .set('Retry-After', '5')
        .json({
          errors: [{ message: new ServiceUnavailableError().message, extensions: { code: SERVICE_UNAVAILABLE } }],
        });
      return;
    }
    logger.error('unhandled HTTP error', { requestId: res.locals.requestId, error });
    res
      .status(500)
      .json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  const exportWorker = new ExportWorker(dataSource, clock, config.exportsDir);

  return {
    httpServer,
    express: app,
    exportWorker,
    startExportWorker: () =>
      exportWorker.start(config.exportsPollMs, (error) => logger.error('export worker failed', { error })),
    services,
    jobs,
    schema,
    logger,
    systemContext,
    startScheduler() {
      if (config.jobsIntervalMs <= 0) return () => {};
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        runJobs(systemContext(), clock.now(), jobs, { lock: jobLock })
          .then((runs) =>
            runs.forEach((r) => {
              if (r.error) logger.error('job failed', { job: r.name, error: r.error });
              else if (r.changed > 0) logger.info('job ran', { job: r.name, changed: r.changed });
            }),
          )
          .catch((error) => logger.error('job run failed', { error }))
          .finally(() => (running = false));
      }, config.jobsIntervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
    async stop() {
      await apollo.stop();
      await jobLock.close();
      await rateCounter.close();
      await redis?.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** The statements counted for the request so far (authentication and execution included), as a header. */
const statementsHeader: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set(STATEMENTS_HEADER, String(currentRequest()?.sqlStatements ?? 0));
      },
    };
  },
};

/**
 * Names the request's operation for its log line, and logs every unexpected error with its request
 * id; the formatter masks it in the response.
 */
function errorLogging(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName }) {
          const scope = currentRequest();
          if (scope) scope.operationName = operationName ?? 'anonymous';
        },
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            if (!isExpectedError(error))
              logger.error('unexpected error', {
                requestId: contextValue?.requestId,
                operationName,
                path: error.path,
                error: error.originalError ?? error,
              });
          }
        },
      };
    },
  };
}

/**
 * A GraphQL answer whose errors say the database was unreachable goes out as 503 with Retry-After, so
 * a client or balancer retries (issue 9); the errors themselves were made clean by formatError.
 */
const serviceUnavailableStatus: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        if (errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) {
          response.http.status = 503;
          response.http.headers.set('retry-after', '5');
        }
      },
    };
  },
};
