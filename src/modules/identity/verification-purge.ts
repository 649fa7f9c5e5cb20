import { RequestContext } from '../../context';
import {
  IdentityVerificationEntity as Verification,
  VerificationStatus,
  VerificationStep,
} from './identity-verification.entity';
import { VerificationImageEntity } from './verification-image.entity';

/**
 * Closes a verification with its final status and deletes its personal data from the database in
 * the caller's transaction (R24): phone, code, location and the image rows. The caller removes the
 * image files once the transaction committed (EncryptedFileStore.removeAll); the purge sweep
 * removes any folder a failure left behind.
 */
export async function closeAndPurge(
  ctx: RequestContext,
  verification: Verification,
  status: VerificationStatus.APPROVED | VerificationStatus.REJECTED | VerificationStatus.EXPIRED,
  reason: string,
): Promise<void> {
  await ctx.em.delete(VerificationImageEntity, { verificationId: verification.id });
  const changes = {
    status,
    step: VerificationStep.CLOSED,
    closedReason: reason.slice(0, 500),
    purgedAt: ctx.now(),
    phoneNumber: null,
    codeHash: null,
    codeExpiresAt: null,
    geolocation: null,
  };
  await ctx.em.update(Verification, { id: verification.id }, changes);
  Object.assign(verification, changes);
}
