import { In, LessThanOrEqual } from 'typeorm';
import type { Mail, Mailer } from '../../common/mail';
import { requireText } from '../../common/validate';
import { RequestContext } from '../../context';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { sweepEach } from '../../jobs/sweep';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import type { AuditService } from '../audit/audit.service';
import {
  AccessScope,
  BillingMode,
  ClientRelationshipEntity,
  RelationshipCollaboratorEntity,
  RelationshipStatus,
} from './client-relationship.entity';
import { RelationshipErrorCode } from './client-relationship.errors';
import { AccessGrant, isWithin, RELATIONSHIP_CONFIG, requireValidGrant } from './relationship-rules';
import { BILLING_BACK_TO_CLIENT } from './relationship-response';
import {
  auditBoth,
  describeGrant,
  LEGAL_REPRESENTATIVES,
  lockClient,
  lockRelationship,
  mailsToBothSides,
  notFound,
  organizationNames,
  PARTNER_MANAGERS,
  productIdsOf,
  releaseHolds,
  requireClientProducts,
  requireRole,
  setRelationshipProducts,
  sideOf,
} from './relationship-store';

const PENDING = [RelationshipStatus.PENDING_CLIENT_APPROVAL, RelationshipStatus.PENDING_PARTNER_ACCEPTANCE];

/**
 * What happens to a relationship once it exists (R31, R32): access narrowed at once or a widening
 * asked, collaborators assigned, the end by either side, and the expiry of unanswered requests.
 */
export class RelationshipChangesService {
  constructor(
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * changeClientAccess on an ACTIVE relationship. A change that gives nothing beyond the current
   * access (narrowing, by either side) applies at once. A wider one asked by the partner's legal
   * representative is stored as `pendingChange` and waits for the client (respondToRelationship);
   * the client itself only narrows (CLIENT_CANNOT_WIDEN). Narrowing to PRODUCTS returns billing to
   * the client (PARTNER_PAYS needs FULL_ACCOUNT) and drops a waiting widening.
   */
  async changeAccess(ctx: RequestContext, relationshipId: number, wanted: AccessGrant) {
    const found = await this.findForSides(ctx, relationshipId);
    const side = await sideOf(ctx, found);
    const byClient = side.client !== null;
    await requireRole(
      ctx,
      byClient ? found.clientOrganizationId : found.partnerOrganizationId,
      LEGAL_REPRESENTATIVES,
      'Only legal representatives change the access of a client relationship.',
    );
    const grant = requireValidGrant(wanted, BillingMode.CLIENT_PAYS);
    const { relationship, mails } = await ctx.transaction(async (ctx) => {
      await lockClient(ctx, found.clientOrganizationId);
      const r = await lockRelationship(ctx, relationshipId);
      requireActive(r);
      const current: AccessGrant = { scope: r.scope, level: r.level, productIds: await productIdsOf(ctx, r.id) };
      await requireClientProducts(ctx, r.clientOrganizationId, grant.productIds);
      const names = await organizationNames(ctx, r);
      const what = describeGrant(grant);
      if (!isWithin(grant, current)) {
        if (byClient)
          throw new BusinessError(
            RelationshipErrorCode.CLIENT_CANNOT_WIDEN,
            'The client narrows access; a wider access is asked by the partner and then approved by the client (R31).',
            ['input'],
          );
        const pendingChange = { ...grant, requestedById: ctx.user.id, requestedAt: ctx.now().toISOString() };
        await ctx.em.update(ClientRelationshipEntity, { id: r.id }, { pendingChange });
        r.pendingChange = pendingChange;
        await auditBoth(ctx, this.audit, r, 'client_relationship.change_requested', `${grant.scope} ${grant.level}`);
        return {
          relationship: r,
          mails: await mailsToBothSides(ctx, r, `${names.partner} asks for wider access to ${names.client}`, {
            partner: `You asked ${names.client} for ${what}. The current access stays until the client approves.`,
            client: `The partner ${names.partner} asks for ${what} of ${names.client}. Approve (possibly less) or decline with respondToRelationship.`,
          }),
        };
      }
      const billingMode = grant.scope === AccessScope.FULL_ACCOUNT ? r.billingMode : BillingMode.CLIENT_PAYS;
      const billingNote = billingMode !== r.billingMode ? ` ${BILLING_BACK_TO_CLIENT}` : '';
      const changes = { scope: grant.scope, level: grant.level, billingMode, pendingChange: null };
      await ctx.em.update(ClientRelationshipEntity, { id: r.id }, changes);
      Object.assign(r, changes);
      await setRelationshipProducts(ctx, r.id, grant.productIds);
      ctx.access.clear(r.clientOrganizationId);
      await auditBoth(
        ctx,
        this.audit,
        r,
        'client_relationship.narrowed',
        `${grant.scope} ${grant.level}${grant.productIds.length ? ` products ${grant.productIds.join(',')}` : ''}${billingNote ? ` ${BillingMode.CLIENT_PAYS}` : ''}`,
      );
      return {
        relationship: r,
        mails: await mailsToBothSides(ctx, r, `Partner access changed: ${names.partner} / ${names.client}`, {
          partner: `${names.partner} now has ${what} of the client ${names.client}.${billingNote}`,
          client: `${names.partner} now has ${what} of ${names.client}.${billingNote}`,
        }),
      };
    });
    await this.send(mails);
    return relationship;
  }

  /**
   * assignCollaborators (R32): the partner's legal representatives or administrators set which of its
   * limited users (role USER) reach this client; the list replaces the previous one ([] unassigns all).
   */
  async assignCollaborators(ctx: RequestContext, relationshipId: number, userIds: number[]) {
    const found = await this.findForSides(ctx, relationshipId);
    await requireRole(
      ctx,
      found.partnerOrganizationId,
      PARTNER_MANAGERS,
      "Only the partner's legal representatives and administrators assign collaborators (R32).",
    );
    const ids = [...new Set(userIds)];
    if (ids.length > RELATIONSHIP_CONFIG.maxCollaborators)
      throw new BusinessError(
        CommonErrorCode.INVALID_INPUT,
        `At most ${RELATIONSHIP_CONFIG.maxCollaborators} collaborators per client.`,
        ['input', 'userIds'],
      );
    const memberships = ids.length
      ? await ctx.em.find(MembershipEntity, { where: { organizationId: found.partnerOrganizationId, userId: In(ids) } })
      : [];
    const strangers = ids.filter((id) => !memberships.some((m) => m.userId === id));
    if (strangers.length)
      throw new BusinessError(
        RelationshipErrorCode.NOT_A_PARTNER_MEMBER,
        `${strangers.length} user(s) are not members of the partner organization.`,
        ['input', 'userIds'],
      );
    if (memberships.some((m) => m.role !== MemberRole.USER))
      throw new BusinessError(
        RelationshipErrorCode.NOT_A_LIMITED_USER,
        "Only the partner's limited users (role USER) are assigned: legal representatives and administrators reach every client.",
        ['input', 'userIds'],
      );
    return ctx.transaction(async (ctx) => {
      await lockClient(ctx, found.clientOrganizationId);
      const r = await lockRelationship(ctx, relationshipId);
      if (r.status !== RelationshipStatus.ACTIVE && !PENDING.includes(r.status)) requireActive(r);
      const rows = await ctx.em.find(RelationshipCollaboratorEntity, { where: { relationshipId: r.id } });
      const gone = rows.filter((row) => !ids.includes(row.userId));
      const added = ids.filter((id) => !rows.some((row) => row.userId === id));
      if (gone.length) await ctx.em.delete(RelationshipCollaboratorEntity, { id: In(gone.map((row) => row.id)) });
      if (added.length)
        await ctx.em.insert(
          RelationshipCollaboratorEntity,
          added.map((userId) => ({ relationshipId: r.id, userId, assignedById: ctx.user.id, createdAt: ctx.now() })),
        );
      if (gone.length || added.length)
        await auditBoth(
          ctx,
          this.audit,
          r,
          'client_relationship.collaborators_assigned',
          `users ${ids.join(',') || 'none'}`,
        );
      return r;
    });
  }

  /**
   * endClientRelationship (R31), by either side's legal representative, with a reason: access stops at
   * once, collaborator assignments go, the pair and product holds are released, a waiting widening is
   * dropped and billing returns to the client for future invoices (issued ones keep their payer).
   */
  async end(ctx: RequestContext, relationshipId: number, reasonInput: string) {
    const found = await this.findForSides(ctx, relationshipId);
    const side = await sideOf(ctx, found);
    const byClient = side.client !== null;
    const endedBy = byClient ? found.clientOrganizationId : found.partnerOrganizationId;
    await requireRole(ctx, endedBy, LEGAL_REPRESENTATIVES, 'Only legal representatives end a client relationship.');
    const reason = requireText(reasonInput, ['input', 'reason'], { max: 500 });
    const { relationship, mails } = await ctx.transaction(async (ctx) => {
      await lockClient(ctx, found.clientOrganizationId);
      const r = await lockRelationship(ctx, relationshipId);
      requireActive(r);
      const now = ctx.now();
      const changes = {
        status: RelationshipStatus.ENDED,
        endedAt: now,
        endReason: reason,
        endedByOrganizationId: endedBy,
        pairKey: null,
        pendingChange: null,
        billingMode: BillingMode.CLIENT_PAYS,
      };
      await ctx.em.update(ClientRelationshipEntity, { id: r.id }, changes);
      Object.assign(r, changes);
      await releaseHolds(ctx, r.id);
      await ctx.em.delete(RelationshipCollaboratorEntity, { relationshipId: r.id });
      ctx.access.clear(r.clientOrganizationId);
      await auditBoth(ctx, this.audit, r, 'client_relationship.ended', `by organization:${endedBy}: ${reason}`);
      const names = await organizationNames(ctx, r);
      const by = byClient ? names.client : names.partner;
      return {
        relationship: r,
        mails: await mailsToBothSides(ctx, r, `Partner relationship ended: ${names.partner} / ${names.client}`, {
          partner: `${by} ended the relationship with the client ${names.client}: ${reason}\n\nYour access to ${names.client} stopped; its future invoices are billed to the client.`,
          client: `${by} ended the relationship with the partner ${names.partner}: ${reason}\n\n${names.partner} no longer reaches ${names.client}; future invoices are billed to ${names.client}.`,
        }),
      };
    });
    await this.send(mails);
    return relationship;
  }

  /**
   * The sweep (R31): pending requests unanswered `requestTtlMs` (14 days) after they were made become
   * EXPIRED, their holds released, both sides mailed. Each in its own transaction; a relationship
   * already answered or expired is skipped, so a second run at the same time changes nothing.
   */
  async expirePending(ctx: RequestContext, now: Date): Promise<number> {
    const due = await ctx.em.find(ClientRelationshipEntity, {
      select: { id: true, clientOrganizationId: true },
      where: { status: In(PENDING), expiresAt: LessThanOrEqual(now) },
      order: { id: 'ASC' },
      take: 500,
    });
    return sweepEach(due, async (item) => {
      const mails = await ctx.transaction(async (ctx) => {
        await lockClient(ctx, item.clientOrganizationId);
        const r = await lockRelationship(ctx, item.id);
        if (!PENDING.includes(r.status) || !r.expiresAt || r.expiresAt.getTime() > now.getTime()) return null;
        const changes = { status: RelationshipStatus.EXPIRED, pairKey: null };
        await ctx.em.update(ClientRelationshipEntity, { id: r.id }, changes);
        Object.assign(r, changes);
        await releaseHolds(ctx, r.id);
        await auditBoth(ctx, this.audit, r, 'client_relationship.expired');
        const names = await organizationNames(ctx, r);
        const text = `The request between the partner ${names.partner} and the client ${names.client} was not answered within 14 days and has expired. It can be made again.`;
        return mailsToBothSides(ctx, r, `Partner request expired: ${names.partner} / ${names.client}`, {
          partner: text,
          client: text,
        });
      });
      if (!mails) return 0;
      await this.send(mails);
      return 1;
    });
  }

  /** The relationship if the viewer stands on one of its sides (or can see it); NOT_FOUND otherwise. */
  private async findForSides(ctx: RequestContext, relationshipId: number): Promise<ClientRelationshipEntity> {
    const found = await ctx.em.findOneBy(ClientRelationshipEntity, { id: relationshipId });
    if (!found) throw notFound();
    const side = await sideOf(ctx, found);
    if (!side.client && !side.partner) throw notFound();
    return found;
  }

  private async send(mails: Mail[]): Promise<void> {
    for (const mail of mails) await this.mailer.send(mail);
  }
}

function requireActive(r: ClientRelationshipEntity): void {
  if (r.status !== RelationshipStatus.ACTIVE)
    throw new BusinessError(
      RelationshipErrorCode.NOT_ACTIVE,
      `This relationship is ${r.status.toLowerCase().replace(/_/g, ' ')}, not active.`,
      ['input', 'relationshipId'],
    );
}
