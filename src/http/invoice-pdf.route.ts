import { Request, Response, Router } from 'express';
import type { GraphQLContext } from '../graphql/context';
import { parseGlobalId } from '../graphql/global-id';

/**
 * `GET /invoices/:id.pdf` (DESIGN section 10, R18): the invoice whose global id is `:id` as a PDF.
 * Bearer authentication exactly as /graphql; 401 without or with a bad token, 404 for an unknown
 * invoice and alike for one the viewer may not see (another tenant's, or without billing rights), so
 * the answer never tells whether an id exists.
 */
export function invoicePdfRouter(contextFor: (req: Request, res: Response) => Promise<GraphQLContext>): Router {
  const router = Router();
  router.get('/invoices/:id.pdf', async (req, res, next) => {
    try {
      const ctx = await contextFor(req, res);
      if (!ctx.viewer)
        return void fail(
          res,
          401,
          'UNAUTHENTICATED',
          ctx.authError?.message ?? 'Authentication required: send Authorization: Bearer <token>.',
        );
      const parsed = parseGlobalId(String(req.params.id));
      const result = parsed?.type === 'Invoice' ? await ctx.services.invoices.pdf(ctx, parsed.id) : 'not-found';
      if (result === 'not-found') return void fail(res, 404, 'NOT_FOUND', 'No such invoice.');
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
