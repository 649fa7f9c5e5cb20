import { Request, Response, Router } from 'express';
import type { GraphQLContext } from '../graphql/context';
import { BusinessError, ForbiddenError } from '../graphql/errors';
import { parseGlobalId, toGlobalId } from '../graphql/global-id';
import { IdentityErrorCode as Code } from '../modules/identity/identity.errors';
import { imageTooLarge } from '../modules/identity/verification-steps.service';

/** HTTP status of each refusal of an upload. */
const STATUS: Partial<Record<string, number>> = {
  [Code.INVALID_TOKEN]: 401,
  [Code.TOKEN_EXPIRED]: 401,
  [Code.TOKEN_ALREADY_USED]: 409,
  [Code.VERIFICATION_CLOSED]: 409,
  [Code.STEP_OUT_OF_ORDER]: 409,
  [Code.IMAGE_TOO_LARGE]: 413,
  [Code.INVALID_IMAGE_TYPE]: 415,
};

/**
 * The image routes of identity verification (R23, R24):
 *
 * - `POST /verifications/:id/images?kind=DOCUMENT_FRONT|DOCUMENT_BACK|SELFIE`: the raw bytes of one
 *   image as the body (any Content-Type; the type is read from the bytes), authenticated by the
 *   link's token in `X-Verification-Token`. 201 with the verification's next step; errors as JSON
 *   `{errors: [{message, extensions: {code}}]}` (401 bad or expired link, 409 step out of order or
 *   link used, 413 too large, 415 not JPEG/PNG/PDF).
 * - `GET /verifications/:id/images/:imageId`: platform support staff only (Bearer), the image
 *   decrypted on the fly, never cached; every view is written to the verification's audit trail.
 */
export function verificationImagesRouter(contextFor: (req: Request, res: Response) => Promise<GraphQLContext>): Router {
  const router = Router();

  router.post('/verifications/:id/images', async (req, res, next) => {
    try {
      const ctx = await contextFor(req, res);
      const parsed = parseGlobalId(String(req.params.id));
      if (parsed?.type !== 'IdentityVerification')
        return void fail(res, 404, 'NOT_FOUND', 'No such identity verification.');
      const max = ctx.services.verificationSteps.maxImageBytes;
      const bytes = await readBody(req, max);
      if (!bytes) throw imageTooLarge(max);
      const token = req.header('x-verification-token') ?? '';
      const kind = typeof req.query.kind === 'string' ? req.query.kind : '';
      const { verification, image } = await ctx.services.verificationSteps.uploadImage(
        ctx,
        parsed.id,
        token,
        kind,
        bytes,
      );
      res.status(201).json({
        verification: {
          id: toGlobalId('IdentityVerification', verification.id),
          status: verification.status,
          nextStep: verification.step,
        },
        image: {
          id: toGlobalId('IdentityVerificationImage', image.id),
          kind: image.kind,
          contentType: image.contentType,
          byteSize: image.byteSize,
        },
      });
    } catch (error) {
      if (error instanceof BusinessError) return void fail(res, STATUS[error.code] ?? 400, error.code, error.message);
      next(error);
    }
  });

  router.get('/verifications/:id/images/:imageId', async (req, res, next) => {
    try {
      const ctx = await contextFor(req, res);
      if (!ctx.viewer) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return void fail(
          res,
          401,
          'UNAUTHENTICATED',
          ctx.authError?.message ?? 'Authentication required: send Authorization: Bearer <token>.',
        );
      }
      const verification = parseGlobalId(String(req.params.id));
      const image = parseGlobalId(String(req.params.imageId));
      const found =
        verification?.type === 'IdentityVerification' && image?.type === 'IdentityVerificationImage'
          ? await ctx.services.verificationReviews.openImage(ctx, verification.id, image.id)
          : null;
      if (!found) return void fail(res, 404, 'NOT_FOUND', 'No such image (its data may have been purged).');
      res.status(200).type(found.contentType);
      res.setHeader('Content-Disposition', 'inline');
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(found.content);
    } catch (error) {
      if (error instanceof ForbiddenError) return void fail(res, 403, 'FORBIDDEN', error.message);
      next(error);
    }
  });

  return router;
}

/**
 * The request body, or null once it passes `max` bytes (the rest is read and dropped so that the
 * client gets the answer; a body far beyond the limit is cut off).
 */
function readBody(req: Request, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else if (size > max * 4) req.destroy();
    });
    req.on('end', () => resolve(size > max ? null : Buffer.concat(chunks)));
    req.on('close', () => resolve(null));
    req.on('error', reject);
  });
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
