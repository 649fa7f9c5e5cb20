import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../common/logger';
import { RequestScope, runInRequestScope } from '../common/request-scope';
import { clientAddress } from './client-address';

/** A client's X-Request-Id is kept when it is a plain identifier; anything else gets a fresh UUID. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,100}$/;

/** Probes scraped every few seconds: their lines are debug, so the info log shows traffic. */
const QUIET_PATHS = new Set(['/healthz', '/metrics']);

/**
 * The first middleware: gives the request its id (X-Request-Id, echoed back), opens its request
 * scope (so every log line written meanwhile carries the id) and writes one line when the response
 * is sent: method, path (never the query string: it may hold a token), status, duration, client
 * address, and the GraphQL operation name and viewer id once they are known.
 */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header('x-request-id') ?? '';
    const requestId = CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const scope: RequestScope = { requestId, clientIp: clientAddress(req) };
    const started = process.hrtime.bigint();
    // Read now: routers mounted further down rewrite req.path to their own part of it.
    const path = req.path;
    res.once('finish', () => {
      const fields = {
        requestId,
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        clientIp: scope.clientIp,
        operationName: scope.operationName ?? null,
        viewerId: scope.viewerId ?? null,
      };
      if (QUIET_PATHS.has(path)) logger.debug('request', fields);
      else logger.info('request', fields);
    });
    runInRequestScope(scope, next);
  };
}
