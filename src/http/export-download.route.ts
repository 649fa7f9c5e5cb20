import { createReadStream } from 'node:fs';
import { Request, Response, Router } from 'express';
import type { GraphQLContext } from '../graphql/context';
import { parseGlobalId } from '../graphql/global-id';

/**
 * `GET /exports/:id?token=…` (DESIGN section 10, R33): streams a finished billing export. The
 * signed token is the credential (no bearer needed: the link is handed to a browser or a script);
 * 403 for a tampered or forged link, 410 once it expired or the file was swept.
 */
export function exportDownloadRouter(contextFor: (req: Request, res: Response) => Promise<GraphQLContext>): Router {
  const router = Router();
  router.get('/exports/:id', async (req, res, next) => {
    try {
      const ctx = await contextFor(req, res);
      const parsed = parseGlobalId(String(req.params.id));
      const token = typeof req.query.token === 'string' ? req.query.token : undefined;
      const result =
        parsed?.type === 'BillingExport' ? await ctx.services.billingExports.download(ctx, parsed.id, token) : 403;
      if (result === 403) return void fail(res, 403, 'FORBIDDEN', 'This download link is not valid.');
      if (result === 410) return void fail(res, 410, 'GONE', 'This download link has expired; export again.');
      res.status(200);
      res.setHeader('Content-Type', result.contentType);
      res.setHeader('Content-Disposition', `attachment; filename="${result.fileName}"`);
      res.setHeader('Cache-Control', 'private, no-store');
      const file = createReadStream(result.path);
      file.on('error', next);
      file.pipe(res);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
