import type { Mail } from '../../common/mail';
import { RequestContext } from '../../context';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import type { AuditService } from '../audit/audit.service';
import {
  AccessLevel,
  AccessScope,
  BillingMode,
  ClientRelationshipEntity,
  RelationshipStatus,
} from './client-relationship.entity';
import { RelationshipErrorCode } from './client-relationship.errors';
import { AccessGrant, isWithin, requireValidGrant } from './relationship-rules';
import {
  auditBoth,
  describeGrant,
  lockClient,
  lockRelationship,
  mailsToBothSides,
  organizationNames,
  productIdsOf,
  releaseHolds,
  requireClientProducts,
  requireExclusive,
  setRelationshipProducts,
} from './relationship-store';

export interface ClientResponse {
  accept: boolean;
  /** The client may grant less than asked (R31); omitted parts keep what was asked. */
  scope?: AccessScope | null;
  level?: AccessLevel | null;
  productIds?: number[] | null;
}

/**
 * The answer to a pending request or to a waiting widening (respondToRelationship), inside the
 * caller's transaction, under the client lock: a decline releases the pair and product holds (or
 * drops the widening); an acceptance grants what was asked or less (R31), re-checking exclusivity.
 */
export async function answerInTransaction(
  ctx: RequestContext,
  audit: AuditService,
  relationshipId: number,
  clientOrganizationId: number,
  answeredBy: number,
  response: ClientResponse,
): Promise<{ relationship: ClientRelationshipEntity; mails: Mail[] }> {
  await lockClient(ctx, clientOrganizationId);
  const r = await lockRelationship(ctx, relationshipId);
  const now = ctx.now();
  const waitingChange = r.status === RelationshipStatus.ACTIVE && r.pendingChange !== null;
  const pending =
    r.status === RelationshipStatus.PENDING_CLIENT_APPROVAL ||
    r.status === RelationshipStatus.PENDING_PARTNER_ACCEPTANCE;
  if (!pending && !waitingChange)
    throw new BusinessError(RelationshipErrorCode.NOT_PENDING, 'Nothing in this relationship waits for an answer.', [
      'input',
      'relationshipId',
    ]);
  if (r.status === RelationshipStatus.PENDING_PARTNER_ACCEPTANCE && answeredBy !== r.partnerOrganizationId)
    throw new ForbiddenError("Only the partner's legal representatives answer this request.");
  const names = await organizationNames(ctx, r);

  if (!response.accept) {
    if (waitingChange) {
      await ctx.em.update(ClientRelationshipEntity, { id: r.id }, { pendingChange: null });
      r.pendingChange = null;
      await auditBoth(ctx, audit, r, 'client_relationship.change_declined');
      return {
        relationship: r,
        mails: await mailsToBothSides(ctx, r, `Access change declined by ${names.client}`, {
          partner: `${names.client} declined the wider access you asked for; the relationship continues as before.`,
          client: `You declined the wider access ${names.partner} asked for; the relationship continues as before.`,
        }),
      };
    }
    Object.assign(r, { status: RelationshipStatus.DECLINED, pairKey: null, respondedAt: now, expiresAt: null });
    await ctx.em.update(
      ClientRelationshipEntity,
      { id: r.id },
      { status: r.status, pairKey: null, respondedAt: now, expiresAt: null },
    );
    await releaseHolds(ctx, r.id);
    await auditBoth(ctx, audit, r, 'client_relationship.declined');
    return {
      relationship: r,
      mails: await mailsToBothSides(ctx, r, `Partner relationship declined: ${names.partner} / ${names.client}`, {
        partner: `The relationship between ${names.partner} and the client ${names.client} was declined.`,
        client: `The relationship between ${names.client} and the partner ${names.partner} was declined.`,
      }),
    };
  }

  const asked: AccessGrant = waitingChange
    ? { scope: r.pendingChange!.scope, level: r.pendingChange!.level, productIds: r.pendingChange!.productIds }
    : { scope: r.scope, level: r.level, productIds: await productIdsOf(ctx, r.id) };
  const granted = requireValidGrant(
    {
      scope: response.scope ?? asked.scope,
      level: response.level ?? asked.level,
      productIds:
        response.productIds ??
        ((response.scope ?? asked.scope) === AccessScope.PRODUCTS && asked.scope === AccessScope.PRODUCTS
          ? asked.productIds
          : []),
    },
    r.billingMode === BillingMode.PARTNER_PAYS && (response.scope ?? asked.scope) !== AccessScope.FULL_ACCOUNT
      ? BillingMode.CLIENT_PAYS
      : r.billingMode,
  );
  if (!isWithin(granted, asked))
    throw new BusinessError(
      RelationshipErrorCode.WIDER_THAN_REQUESTED,
      'The client may grant less than the partner asked for, never more (R31).',
      ['input'],
    );
  await requireClientProducts(ctx, r.clientOrganizationId, granted.productIds);
  await requireExclusive(ctx, r.partnerId, r.clientOrganizationId, granted, r.id);
  // PARTNER_PAYS needs FULL_ACCOUNT: a client granting less takes its billing back, said in the mails.
  const billingMode = granted.scope === AccessScope.FULL_ACCOUNT ? r.billingMode : BillingMode.CLIENT_PAYS;
  const billingNote = billingMode !== r.billingMode ? ` ${BILLING_BACK_TO_CLIENT}` : '';
  const changes = {
    status: RelationshipStatus.ACTIVE,
    scope: granted.scope,
    level: granted.level,
    billingMode,
    pendingChange: null,
    expiresAt: null,
    ...(waitingChange ? {} : { respondedAt: now, startedAt: now }),
  };
  await ctx.em.update(ClientRelationshipEntity, { id: r.id }, changes);
  Object.assign(r, changes);
  await setRelationshipProducts(ctx, r.id, granted.productIds);
  ctx.access.clear(r.clientOrganizationId);
  await auditBoth(
    ctx,
    audit,
    r,
    waitingChange ? 'client_relationship.change_approved' : 'client_relationship.accepted',
    `${granted.scope} ${granted.level}${granted.productIds.length ? ` products ${granted.productIds.join(',')}` : ''} ${billingMode}`,
  );
  const what = describeGrant(granted);
  return {
    relationship: r,
    mails: await mailsToBothSides(
      ctx,
      r,
      waitingChange
        ? `Access change approved by ${names.client}`
        : `Partner relationship active: ${names.partner} / ${names.client}`,
      {
        partner: `${names.partner} now has ${what} of the client ${names.client}.${billingNote}`,
        client: `${names.partner} now has ${what} of ${names.client}.${billingNote}`,
      },
    ),
  };
}

/** Said to both sides when a narrowing to PRODUCTS turns PARTNER_PAYS into CLIENT_PAYS (R31). */
export const BILLING_BACK_TO_CLIENT =
  "The partner pays only for a client's whole account (FULL_ACCOUNT): the client's new invoices are billed to the client again (CLIENT_PAYS); invoices already billed to the partner stay the partner's.";
