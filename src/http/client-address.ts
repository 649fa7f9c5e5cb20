import type { Request } from 'express';

/** The caller's address: the socket's, or X-Forwarded-For's as far as TRUST_PROXY trusts the proxies in front. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
