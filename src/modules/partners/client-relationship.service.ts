import type { Mail, Mailer } from '../../common/mail';
import { requireCountry, requireEmail, requireText } from '../../common/validate';
import { RequestContext } from '../../context';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { MemberRole } from '../organizations/membership.entity';
import { OrganizationEntity, OrganizationKind } from '../organizations/organization.entity';
import type { AuditService } from '../audit/audit.service';
import type { InvitationService } from '../organizations/invitation.service';
import {
  AccessLevel,
  AccessScope,
  BillingMode,
  ClientRelationshipEntity,
  RelationshipStatus,
} from './client-relationship.entity';
import { RelationshipErrorCode } from './client-relationship.errors';
import { PartnerEntity, PartnerStatus } from './partner.entity';
import { AccessGrant, RELATIONSHIP_CONFIG, requireValidGrant } from './relationship-rules';
import { answerInTransaction, ClientResponse } from './relationship-response';
import {
  auditBoth,
  describeGrant,
  insertRelationship,
  LEGAL_REPRESENTATIVES,
  lockClient,
  mailsToBothSides,
  mailsToOrganization,
  notFound,
  organizationNames,
  pairKeyOf,
  requireClientProducts,
  requireExclusive,
  requireRole,
  setRelationshipProducts,
  sideOf,
} from './relationship-store';

export interface NewClientInput {
  name: string;
  kind: OrganizationKind;
  currency: string;
  country: string;
  legalRepresentativeEmail: string;
  billingMode: BillingMode;
}

/**
 * How client relationships start (R31): a partner's legal representative creates a client account
 * (ACTIVE at once) or invites an existing organization (PENDING_CLIENT_APPROVAL); a client's legal
 * representative authorizes a partner by its public code (PENDING_PARTNER_ACCEPTANCE); the other
 * side's legal representative accepts or declines, and a client may grant less than asked. Every
 * step runs under the client organization's lock, is audited in both organizations and mailed to
 * both sides' legal representatives.
 */
export class ClientRelationshipService {
  constructor(
    private readonly audit: AuditService,
    private readonly invitations: InvitationService,
    private readonly mailer: Mailer,
  ) {}

  /** createClient: a new client organization, ACTIVE FULL_ACCOUNT MANAGE, its legal representative invited to claim it. */
  async createClient(ctx: RequestContext, partnerId: number, input: NewClientInput) {
    const partner = await this.requirePartnerAsLegalRepresentative(ctx, partnerId);
    const name = requireText(input.name, ['input', 'name'], { max: 120 });
    const country = requireCountry(input.country, ['input', 'country']);
    const email = requireEmail(input.legalRepresentativeEmail, ['input', 'legalRepresentativeEmail']);
    if (input.billingMode === BillingMode.PARTNER_PAYS)
      await requirePartnerCurrency(ctx, partner.organizationId, input.currency, ['input', 'currency']);
    const { relationship, mails } = await ctx.transaction(async (ctx) => {
      const now = ctx.now();
      const client = await ctx.em.save(
        ctx.em.create(OrganizationEntity, {
          name,
          kind: input.kind,
          currency: input.currency,
          country,
          website: null,
          companyRegistrationId: null,
          billingAddress: null,
          vatNumber: null,
          createdAt: now,
        }),
      );
      const relationship = await insertRelationship(ctx, {
        partnerId: partner.id,
        partnerOrganizationId: partner.organizationId,
        clientOrganizationId: client.id,
        status: RelationshipStatus.ACTIVE,
        scope: AccessScope.FULL_ACCOUNT,
        level: AccessLevel.MANAGE,
        billingMode: input.billingMode,
        pairKey: pairKeyOf(partner.id, client.id),
        pendingChange: null,
        requestedById: ctx.user.id,
        expiresAt: null,
        respondedAt: now,
        startedAt: now,
        endedAt: null,
        endReason: null,
        endedByOrganizationId: null,
        createdAt: now,
      });
      const { invitation, mail } = await this.invitations.issue(ctx, client, null, email, {
        role: MemberRole.LEGAL_REPRESENTATIVE,
        billingAccess: true,
        productIds: [],
        contactPreferences: { billing: true, technical: true, administrative: true },
      });
      await this.audit.record(ctx, client.id, 'organization.created_by_partner', `organization:${client.id} (${name})`);
      await this.audit.record(
        ctx,
        client.id,
        'member.invited',
        `invitation:${invitation.id} (${email}) as ${MemberRole.LEGAL_REPRESENTATIVE}`,
      );
      await auditBoth(ctx, this.audit, relationship, 'client_relationship.created', 'ACTIVE FULL_ACCOUNT MANAGE');
      const names = await organizationNames(ctx, relationship);
      const partnerMails = await mailsToOrganization(
        ctx,
        partner.organizationId,
        `New client account: ${name}`,
        `The client account ${name} was created and is managed by ${names.partner} (full account, manage). ${email} was invited to claim it as its legal representative.`,
      );
      const mails: Mail[] = [
        ...partnerMails,
        {
          ...mail,
          text: `${names.partner} created the account ${name} for you and manages it as your partner (full account).\n\n${mail.text}`,
        },
      ];
      return { relationship, mails };
    });
    await this.send(mails);
    return relationship;
  }

  /** inviteClient: the partner asks an existing organization for access; the client's legal representatives answer. */
  async inviteClient(
    ctx: RequestContext,
    partnerId: number,
    clientOrganizationId: number,
    asked: AccessGrant,
    billingMode: BillingMode,
  ) {
    const partner = await this.requirePartnerAsLegalRepresentative(ctx, partnerId);
    const grant = requireValidGrant(asked, billingMode);
    if (clientOrganizationId === partner.organizationId) throw selfRelationship();
    return this.request(
      ctx,
      partner,
      clientOrganizationId,
      grant,
      billingMode,
      RelationshipStatus.PENDING_CLIENT_APPROVAL,
    );
  }

  /**
   * authorizePartner: the client's legal representative authorizes a partner by its public code.
   * An unknown code and the code of a partner that is not ACTIVE answer the same PARTNER_CODE_UNKNOWN.
   */
  async authorizePartner(
    ctx: RequestContext,
    clientOrganizationId: number,
    partnerCode: string,
    asked: AccessGrant,
    billingMode: BillingMode,
  ) {
    await requireRole(
      ctx,
      clientOrganizationId,
      LEGAL_REPRESENTATIVES,
      'Only a legal representative of the organization may authorize a partner.',
      () => new BusinessError(RelationshipErrorCode.NOT_FOUND, 'No such organization.', ['input', 'organizationId']),
    );
    const grant = requireValidGrant(asked, billingMode);
    const code = (partnerCode ?? '').trim().toUpperCase();
    const partner = code.length > 0 && code.length <= 16 ? await ctx.em.findOneBy(PartnerEntity, { code }) : null;
    if (!partner || partner.status !== PartnerStatus.ACTIVE)
      throw new BusinessError(RelationshipErrorCode.PARTNER_CODE_UNKNOWN, 'No active partner has this code.', [
        'input',
        'partnerCode',
      ]);
    if (partner.organizationId === clientOrganizationId) throw selfRelationship();
    return this.request(
      ctx,
      partner,
      clientOrganizationId,
      grant,
      billingMode,
      RelationshipStatus.PENDING_PARTNER_ACCEPTANCE,
    );
  }

  /**
   * respondToRelationship: the side that did not ask answers. A pending invitation is answered by the
   * client (which may grant less); a pending authorization by the partner (as authorized, or declined);
   * a widening waiting on an ACTIVE relationship by the client (which may grant less than the widening).
   */
  async respond(ctx: RequestContext, relationshipId: number, response: ClientResponse) {
    const found = await ctx.em.findOneBy(ClientRelationshipEntity, { id: relationshipId });
    if (!found) throw notFound();
    const side = await sideOf(ctx, found);
    if (!side.client && !side.partner) throw notFound();
    const answeredBy =
      found.status === RelationshipStatus.PENDING_PARTNER_ACCEPTANCE
        ? found.partnerOrganizationId
        : found.clientOrganizationId;
    await requireRole(
      ctx,
      answeredBy,
      LEGAL_REPRESENTATIVES,
      answeredBy === found.clientOrganizationId
        ? "Only the client's legal representatives answer this request."
        : "Only the partner's legal representatives answer this request.",
    );
    const narrowing = response.scope || response.level || response.productIds;
    if (narrowing && answeredBy === found.partnerOrganizationId)
      throw new BusinessError(
        CommonErrorCode.INVALID_INPUT,
        'The partner accepts the access the client authorized as it is, or declines it.',
        ['input', 'scope'],
      );

    const { relationship, mails } = await ctx.transaction((ctx) =>
      answerInTransaction(ctx, this.audit, relationshipId, found.clientOrganizationId, answeredBy, response),
    );
    await this.send(mails);
    return relationship;
  }

  /** Opens a pending request (inviteClient, authorizePartner) under the client lock. */
  private async request(
    ctx: RequestContext,
    partner: PartnerEntity,
    clientOrganizationId: number,
    grant: AccessGrant,
    billingMode: BillingMode,
    status: RelationshipStatus,
  ) {
    const { relationship, mails } = await ctx.transaction(async (ctx) => {
      await lockClient(ctx, clientOrganizationId).catch(() => {
        throw new BusinessError(RelationshipErrorCode.NOT_FOUND, 'No such organization.', [
          'input',
          'clientOrganizationId',
        ]);
      });
      if (billingMode === BillingMode.PARTNER_PAYS) {
        const client = await ctx.em.findOneByOrFail(OrganizationEntity, { id: clientOrganizationId });
        await requirePartnerCurrency(ctx, partner.organizationId, client.currency, ['input', 'billingMode']);
      }
      await requireClientProducts(ctx, clientOrganizationId, grant.productIds);
      await requireExclusive(ctx, partner.id, clientOrganizationId, grant);
      const now = ctx.now();
      const relationship = await insertRelationship(ctx, {
        partnerId: partner.id,
        partnerOrganizationId: partner.organizationId,
        clientOrganizationId,
        status,
        scope: grant.scope,
        level: grant.level,
        billingMode,
        pairKey: pairKeyOf(partner.id, clientOrganizationId),
        pendingChange: null,
        requestedById: ctx.user.id,
        expiresAt: new Date(now.getTime() + RELATIONSHIP_CONFIG.requestTtlMs),
        respondedAt: null,
        startedAt: null,
        endedAt: null,
        endReason: null,
        endedByOrganizationId: null,
        createdAt: now,
      });
      await setRelationshipProducts(ctx, relationship.id, grant.productIds);
      const byPartner = status === RelationshipStatus.PENDING_CLIENT_APPROVAL;
      await auditBoth(
        ctx,
        this.audit,
        relationship,
        byPartner ? 'client_relationship.invited' : 'client_relationship.authorized',
        `${grant.scope} ${grant.level} ${billingMode}`,
      );
      const names = await organizationNames(ctx, relationship);
      const what = describeGrant(grant);
      const until = relationship.expiresAt!.toISOString();
      const mails = await mailsToBothSides(
        ctx,
        relationship,
        byPartner
          ? `${names.partner} asks to manage ${names.client}`
          : `${names.client} authorizes ${names.partner} as its partner`,
        byPartner
          ? {
              partner: `You asked ${names.client} for ${what}. The request waits for the client until ${until}.`,
              client: `The partner ${names.partner} asks for ${what} of ${names.client}. Accept, grant less, or decline with respondToRelationship before ${until}.`,
            }
          : {
              partner: `${names.client} authorizes ${names.partner} with ${what}. Accept or decline with respondToRelationship before ${until}.`,
              client: `You authorized ${names.partner} with ${what}. The authorization waits for the partner until ${until}.`,
            },
      );
      return { relationship, mails };
    });
    await this.send(mails);
    return relationship;
  }

  /** The partner, when the viewer is one of its organization's legal representatives and it is ACTIVE. */
  private async requirePartnerAsLegalRepresentative(ctx: RequestContext, partnerId: number): Promise<PartnerEntity> {
    const partner = await ctx.em.findOneBy(PartnerEntity, { id: partnerId });
    const notFound = () =>
      new BusinessError(RelationshipErrorCode.NOT_FOUND, 'No such partner.', ['input', 'partnerId']);
    if (!partner) throw notFound();
    // Another tenant's partner answers like an unknown one (uniform not-found); a member without the role: FORBIDDEN.
    await requireRole(
      ctx,
      partner.organizationId,
      LEGAL_REPRESENTATIVES,
      "Only the partner's legal representatives add clients (R31).",
      notFound,
    );
    if (partner.status !== PartnerStatus.ACTIVE)
      throw new BusinessError(
        RelationshipErrorCode.PARTNER_NOT_ACTIVE,
        'The partner program membership is not active: clients can be added once it is approved.',
        ['input', 'partnerId'],
      );
    return partner;
  }

  async send(mails: Mail[]): Promise<void> {
    for (const mail of mails) await this.mailer.send(mail);
  }
}

const selfRelationship = () =>
  new BusinessError(RelationshipErrorCode.SELF_RELATIONSHIP, 'A partner cannot be its own client.', ['input']);

/**
 * PARTNER_PAYS bills the client's invoices to the partner, in one currency: the client must be billed in
 * the partner's (the check setClientBillingMode makes, with its code), refused when asked rather than
 * found out at the first invoice.
 */
async function requirePartnerCurrency(
  ctx: RequestContext,
  partnerOrganizationId: number,
  clientCurrency: string,
  field: string[],
): Promise<void> {
  const partnerOrganization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: partnerOrganizationId });
  if (partnerOrganization.currency !== clientCurrency)
    throw new BusinessError(
      RelationshipErrorCode.CURRENCY_MISMATCH,
      `The partner pays in ${partnerOrganization.currency} and this account is billed in ${clientCurrency}: choose CLIENT_PAYS.`,
      field,
    );
}
