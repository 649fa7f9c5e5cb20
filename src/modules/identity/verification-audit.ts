import { RequestContext } from '../../context';
import type { AuditService } from '../audit/audit.service';
import type { IdentityVerificationEntity } from './identity-verification.entity';
import { VerificationEventEntity } from './verification-event.entity';

/**
 * Writes a verification's audit trail, in the caller's transaction: always to its own events,
 * and to the organization's audit log when it concerns one (a blocked order, a ticketing payout).
 */
export class VerificationAuditLog {
  constructor(private readonly audit: AuditService) {}

  async record(
    ctx: RequestContext,
    verification: Pick<IdentityVerificationEntity, 'id' | 'organizationId'>,
    action: string,
    detail: string,
    via = ctx.viewer?.via ?? 'system',
  ): Promise<void> {
    await ctx.em.insert(VerificationEventEntity, {
      verificationId: verification.id,
      actorId: ctx.viewer?.user.id ?? null,
      action,
      detail: detail.slice(0, 255),
      via,
      createdAt: ctx.now(),
    });
    if (verification.organizationId)
      await this.audit.record(
        ctx,
        verification.organizationId,
        action,
        `identity_verification:${verification.id} ${detail}`,
      );
  }
}
