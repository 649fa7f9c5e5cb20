import { Response, Router } from 'express';
import { GraphQLError } from 'graphql';
import { DataSource } from 'typeorm';
import { Clock, RequestContext } from '../context';
import { parseGlobalId } from '../graphql/global-id';
import type { Services } from '../services';

/**
 * `GET /invoices/:id.pdf` (DESIGN section 10, R18): the invoice whose global id is `:id` as a PDF.
 * Bearer authentication exactly as /graphql; 401 without or with a bad token, 404 for an unknown
 * invoice, 403 without billing rights in its organization.
 */
export function invoicePdfRouter(deps: { services: Services; dataSource: DataSource; clock: Clock }): Router {
  const router = Router();
  router.get('/invoices/:id.pdf', async (req, res, next) => {
    try {
      const base = new RequestContext(deps.services, deps.dataSource, deps.dataSource.manager, null, deps.clock, res.locals.requestId as string);
      let ctx: RequestContext;
      try {
        const viewer = await deps.services.auth.authenticate(base, req.header('authorization'));
        if (!viewer) return void fail(res, 401, 'UNAUTHENTICATED', 'Authentication required: send Authorization: Bearer <token>.');
        ctx = base.withViewer(viewer);
      } catch (error) {
        if (error instanceof GraphQLError) return void fail(res, 401, 'UNAUTHENTICATED', error.message);
        throw error;
      }
      const parsed = parseGlobalId(String(req.params.id));
      const result = parsed?.type === 'Invoice' ? await deps.services.invoices.pdf(ctx, parsed.id) : 'not-found';
      if (result === 'not-found') return void fail(res, 404, 'NOT_FOUND', 'No such invoice.');
      if (result === 'forbidden') return void fail(res, 403, 'FORBIDDEN', 'You are not allowed to see this invoice.');
      res.status(200).type('application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="invoice-${result.number}.pdf"`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.send(result.pdf);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function fail(res: Response, status: number, code: string, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
