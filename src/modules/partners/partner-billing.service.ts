import type { Mailer } from '../../common/mail';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import type { AuditService } from '../audit/audit.service';
import { OrganizationEntity } from '../organizations/organization.entity';
import { billingContacts } from '../renewals/notices';
import { AccessScope, BillingMode, ClientRelationshipEntity, RelationshipStatus } from './client-relationship.entity';
import { PartnerBillingErrorCode } from './partner-billing.errors';

const FIELD = ['input', 'relationshipId'];
const CLOSED = [RelationshipStatus.DECLINED, RelationshipStatus.EXPIRED, RelationshipStatus.ENDED];

/**
 * Billing modes of client relationships (R30, R31). The client decides who pays its future
 * invoices; billing asks PartnerPayerResolver at each new invoice, so issued invoices keep their payer.
 */
export class PartnerBillingService {
  constructor(
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * The client's legal representative sets who pays its new invoices, at any time (R31). PARTNER_PAYS
   * needs an ACTIVE FULL_ACCOUNT relationship and the partner's currency; CLIENT_PAYS is always allowed
   * on an open relationship. Setting the current mode again changes nothing (no audit, no mail).
   * Audited in both organizations; the partner's billing contacts are mailed.
   * @throws ForbiddenError unless the viewer is a legal representative of the client
   * @throws BusinessError RELATIONSHIP_NOT_FOUND, RELATIONSHIP_CLOSED, RELATIONSHIP_NOT_ACTIVE,
   *   PARTNER_PAYS_NEEDS_FULL_ACCOUNT, CURRENCY_MISMATCH
   */
  async setClientBillingMode(
    ctx: RequestContext,
    relationshipId: number,
    billingMode: BillingMode,
  ): Promise<ClientRelationshipEntity> {
    const found = await ctx.em.findOneBy(ClientRelationshipEntity, { id: relationshipId });
    const access = found && (await ctx.access.forOrganization(found.clientOrganizationId));
    // Nobody learns of a relationship outside its two organizations.
    if (!found || (!access && !(await ctx.access.forOrganization(found.partnerOrganizationId)))) {
      throw new BusinessError(PartnerBillingErrorCode.RELATIONSHIP_NOT_FOUND, 'No such client relationship.', FIELD);
    }
    if (!hasPermission(access, 'editDetails')) {
      throw new ForbiddenError("Only the client's legal representatives choose who pays its invoices.");
    }
    const result = await ctx.transaction(async (ctx) => {
      const relationship = await ctx.em.findOneOrFail(ClientRelationshipEntity, {
        where: { id: relationshipId },
        lock: writeLock(ctx.em),
      });
      if (relationship.billingMode === billingMode) return { relationship, changed: false };
      if (CLOSED.includes(relationship.status)) {
        throw new BusinessError(
          PartnerBillingErrorCode.RELATIONSHIP_CLOSED,
          `This relationship is ${relationship.status.toLowerCase()}: its invoices are the client's.`,
          FIELD,
        );
      }
      if (billingMode === BillingMode.PARTNER_PAYS) await this.requirePartnerCanPay(ctx, relationship);
      const previous = relationship.billingMode;
      await ctx.em.update(ClientRelationshipEntity, { id: relationship.id }, { billingMode });
      relationship.billingMode = billingMode;
      const target = `relationship:${relationship.id} ${previous} -> ${billingMode}`;
      await this.audit.record(ctx, relationship.clientOrganizationId, 'relationship.billing_mode_changed', target);
      await this.audit.record(ctx, relationship.partnerOrganizationId, 'relationship.billing_mode_changed', target);
      return { relationship, changed: true };
    });
    if (result.changed) await this.mailPartner(ctx, result.relationship);
    return result.relationship;
  }

  private async requirePartnerCanPay(ctx: RequestContext, relationship: ClientRelationshipEntity): Promise<void> {
    if (relationship.status !== RelationshipStatus.ACTIVE) {
      throw new BusinessError(
        PartnerBillingErrorCode.RELATIONSHIP_NOT_ACTIVE,
        'The partner can pay once the relationship is active.',
        ['input', 'billingMode'],
      );
    }
    if (relationship.scope !== AccessScope.FULL_ACCOUNT) {
      throw new BusinessError(
        PartnerBillingErrorCode.PARTNER_PAYS_NEEDS_FULL_ACCOUNT,
        'The partner pays only for a client that gave it access to the whole account (FULL_ACCOUNT).',
        ['input', 'billingMode'],
      );
    }
    const [client, partner] = await Promise.all([
      ctx.em.findOneByOrFail(OrganizationEntity, { id: relationship.clientOrganizationId }),
      ctx.em.findOneByOrFail(OrganizationEntity, { id: relationship.partnerOrganizationId }),
    ]);
    if (client.currency !== partner.currency) {
      throw new BusinessError(
        PartnerBillingErrorCode.CURRENCY_MISMATCH,
        `The partner pays in ${partner.currency} and this account is billed in ${client.currency}.`,
        ['input', 'billingMode'],
      );
    }
  }

  /** R31: the partner is notified of the client's choice. */
  private async mailPartner(ctx: RequestContext, relationship: ClientRelationshipEntity): Promise<void> {
    const client = await ctx.em.findOneByOrFail(OrganizationEntity, { id: relationship.clientOrganizationId });
    const text =
      relationship.billingMode === BillingMode.PARTNER_PAYS
        ? `${client.name} now has its new invoices billed to you: you pay them at your partner price, with your payment methods or your prepaid account.`
        : `${client.name} now pays its new invoices itself, at the public price; you earn cashback on them. Invoices already billed to you stay yours to pay.`;
    for (const to of await billingContacts(ctx, relationship.partnerOrganizationId)) {
      await this.mailer.send({ to, subject: `${client.name} changed who pays its invoices`, text });
    }
  }
}
