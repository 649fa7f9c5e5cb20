import { In, Not } from 'typeorm';
import type { Mail } from '../../common/mail';
import { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { writeLock } from '../../db/transaction';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { UserEntity } from '../accounts/user.entity';
import { OrgAccess } from '../access/permissions';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ProductEntity } from '../products/product.entity';
import type { AuditService } from '../audit/audit.service';
import {
  AccessLevel,
  AccessScope,
  ClientRelationshipEntity,
  OPEN_RELATIONSHIP_STATUSES,
  RelationshipCollaboratorEntity,
  RelationshipProductEntity,
} from './client-relationship.entity';
import { RelationshipErrorCode } from './client-relationship.errors';
import { AccessGrant } from './relationship-rules';

/**
 * The shared steps of the relationship lifecycle (R31): locks, exclusivity, product rows, the
 * audit in both organizations and the mails to both sides. Everything runs in the caller's transaction.
 */

export const pairKeyOf = (partnerId: number, clientOrganizationId: number) => `${partnerId}:${clientOrganizationId}`;

export const describeRelationship = (r: ClientRelationshipEntity) =>
  `client_relationship:${r.id} (partner organization:${r.partnerOrganizationId}, client organization:${r.clientOrganizationId})`;

export const notFound = (field = ['input', 'relationshipId']) =>
  new BusinessError(RelationshipErrorCode.NOT_FOUND, 'No such client relationship.', field);

/**
 * Locks the client organization's row for the rest of the transaction (MariaDB `SELECT … FOR UPDATE`;
 * SQLite serializes writers): every change to a client's relationships takes it first, so the
 * exclusivity checks below see every other open relationship, whatever the concurrency. It must be
 * the transaction's first read (InnoDB's snapshot then starts after the lock).
 */
export async function lockClient(ctx: RequestContext, clientOrganizationId: number): Promise<OrganizationEntity> {
  const org = await ctx.em.findOne(OrganizationEntity, {
    where: { id: clientOrganizationId },
    lock: writeLock(ctx.em),
  });
  if (!org) throw notFound();
  return org;
}

/** The relationship, locked, re-read inside the transaction (after lockClient). */
export async function lockRelationship(ctx: RequestContext, id: number): Promise<ClientRelationshipEntity> {
  const r = await ctx.em.findOne(ClientRelationshipEntity, { where: { id }, lock: writeLock(ctx.em) });
  if (!r) throw notFound();
  return r;
}

/**
 * R31 exclusivity, checked under the client lock: one open relationship per pair; a FULL_ACCOUNT one
 * excludes any other open one for the client; a product belongs to at most one open relationship.
 * `self` is the relationship being changed (its own rows do not conflict).
 */
export async function requireExclusive(
  ctx: RequestContext,
  partnerId: number,
  clientOrganizationId: number,
  grant: AccessGrant,
  self: number | null = null,
): Promise<void> {
  const open = await ctx.em.find(ClientRelationshipEntity, {
    where: {
      clientOrganizationId,
      status: In([...OPEN_RELATIONSHIP_STATUSES]),
      ...(self !== null ? { id: Not(self) } : {}),
    },
  });
  if (open.some((r) => r.partnerId === partnerId))
    throw new BusinessError(
      RelationshipErrorCode.RELATIONSHIP_ALREADY_OPEN,
      'This partner and this client already have a pending or active relationship.',
      ['input'],
    );
  if (
    open.length &&
    (grant.scope === AccessScope.FULL_ACCOUNT || open.some((r) => r.scope === AccessScope.FULL_ACCOUNT))
  )
    throw new BusinessError(
      RelationshipErrorCode.FULL_ACCOUNT_EXCLUSIVE,
      grant.scope === AccessScope.FULL_ACCOUNT
        ? 'The client already has another pending or active partner relationship: FULL_ACCOUNT access must be the only one.'
        : 'The client has given a partner FULL_ACCOUNT access: no other partner relationship is possible meanwhile.',
      ['input', 'scope'],
    );
  if (grant.scope === AccessScope.PRODUCTS) {
    const taken = await ctx.em.find(RelationshipProductEntity, {
      where: {
        openProductId: In(grant.productIds),
        ...(self !== null ? { relationshipId: Not(self) } : {}),
      },
    });
    if (taken.length) throw productTaken(taken.length);
  }
}

const productTaken = (count = 1) =>
  new BusinessError(
    RelationshipErrorCode.PRODUCT_ALREADY_DELEGATED,
    `${count} product(s) are already delegated to another partner (R31: a product has at most one partner).`,
    ['input', 'productIds'],
  );

/** Every id must name a product of the client; an id of another organization is reported like an unknown one. */
export async function requireClientProducts(
  ctx: RequestContext,
  clientOrganizationId: number,
  productIds: number[],
): Promise<void> {
  if (productIds.length === 0) return;
  const found = await ctx.em.find(ProductEntity, {
    select: { id: true },
    where: { organizationId: clientOrganizationId, id: In(productIds) },
  });
  const missing = productIds.filter((id) => !found.some((p) => p.id === id));
  if (missing.length)
    throw new BusinessError(
      RelationshipErrorCode.PRODUCT_NOT_FOUND,
      `${missing.length} product id(s) are not products of the client organization.`,
      ['input', 'productIds'],
    );
}

/** Inserts the relationship; the open-pair unique index refuses a lost race as RELATIONSHIP_ALREADY_OPEN. */
export async function insertRelationship(
  ctx: RequestContext,
  fields: Partial<ClientRelationshipEntity>,
): Promise<ClientRelationshipEntity> {
  try {
    return await ctx.em.save(ctx.em.create(ClientRelationshipEntity, fields));
  } catch (error) {
    if (isUniqueViolation(error))
      throw new BusinessError(
        RelationshipErrorCode.RELATIONSHIP_ALREADY_OPEN,
        'This partner and this client already have a pending or active relationship.',
        ['input'],
      );
    throw error;
  }
}

/**
 * Makes the relationship's product rows exactly `productIds` (empty for FULL_ACCOUNT), holding them
 * (openProductId) while the relationship is open; the unique index refuses a product another open
 * relationship holds, as PRODUCT_ALREADY_DELEGATED.
 */
export async function setRelationshipProducts(
  ctx: RequestContext,
  relationshipId: number,
  productIds: number[],
): Promise<void> {
  const rows = await ctx.em.find(RelationshipProductEntity, { where: { relationshipId } });
  const gone = rows.filter((row) => !productIds.includes(row.productId));
  if (gone.length) await ctx.em.delete(RelationshipProductEntity, { id: In(gone.map((row) => row.id)) });
  const added = productIds.filter((id) => !rows.some((row) => row.productId === id));
  if (added.length === 0) return;
  try {
    await ctx.em.insert(
      RelationshipProductEntity,
      added.map((productId) => ({ relationshipId, productId, openProductId: productId })),
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw productTaken();
    throw error;
  }
}

/** Closes a relationship's hold on its pair and products (declined, expired, ended); the product rows stay as history. */
export async function releaseHolds(ctx: RequestContext, relationshipId: number): Promise<void> {
  await ctx.em.update(RelationshipProductEntity, { relationshipId }, { openProductId: null });
}

export async function productIdsOf(ctx: RequestContext, relationshipId: number): Promise<number[]> {
  const rows = await ctx.em.find(RelationshipProductEntity, { where: { relationshipId }, order: { productId: 'ASC' } });
  return rows.map((row) => row.productId);
}

export async function collaboratorIdsOf(ctx: RequestContext, relationshipId: number): Promise<number[]> {
  const rows = await ctx.em.find(RelationshipCollaboratorEntity, { where: { relationshipId }, order: { id: 'ASC' } });
  return rows.map((row) => row.userId);
}

/**
 * The viewer's membership access to an organization when its role is one of `roles` (SYSTEM always);
 * FORBIDDEN otherwise, or `notFound()` when given and the viewer cannot reach the organization at all
 * (the uniform not-found of issue 9: ids reveal nothing about other tenants).
 */
export async function requireRole(
  ctx: RequestContext,
  organizationId: number,
  roles: MemberRole[],
  message: string,
  notFound?: () => Error,
): Promise<OrgAccess> {
  const access = await ctx.access.forOrganization(organizationId);
  if (access?.via === 'SYSTEM') return access;
  if (!access && notFound) throw notFound();
  if (access?.via !== 'MEMBERSHIP' || !access.role || !roles.includes(access.role)) throw new ForbiddenError(message);
  return access;
}

export const LEGAL_REPRESENTATIVES = [MemberRole.LEGAL_REPRESENTATIVE];
export const PARTNER_MANAGERS = [MemberRole.LEGAL_REPRESENTATIVE, MemberRole.ADMINISTRATOR];

/** Which side of the relationship the viewer acts for, if any (a membership in that organization). */
export async function sideOf(
  ctx: RequestContext,
  r: ClientRelationshipEntity,
): Promise<{ partner: OrgAccess | null; client: OrgAccess | null }> {
  const [partner, client] = await Promise.all([
    ctx.access.forOrganization(r.partnerOrganizationId),
    ctx.access.forOrganization(r.clientOrganizationId),
  ]);
  const member = (a: OrgAccess | null) => (a && (a.via === 'MEMBERSHIP' || a.via === 'SYSTEM') ? a : null);
  return { partner: member(partner), client: member(client) };
}

/** Records the same event in both organizations' audit logs (section 8: every change of access). */
export async function auditBoth(
  ctx: RequestContext,
  audit: AuditService,
  r: ClientRelationshipEntity,
  action: string,
  detail = '',
): Promise<void> {
  const target = `${describeRelationship(r)}${detail ? ` ${detail}` : ''}`;
  await audit.record(ctx, r.partnerOrganizationId, action, target);
  await audit.record(ctx, r.clientOrganizationId, action, target);
}

/** Mails of the legal representatives of each organization (who answer for it, R3). */
export async function legalRepresentativeEmails(
  ctx: RequestContext,
  organizationIds: number[],
): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>(organizationIds.map((id) => [id, []]));
  const rows = await ctx.em
    .createQueryBuilder(MembershipEntity, 'm')
    .innerJoin(UserEntity, 'u', 'u.id = m.userId')
    .select('m.organizationId', 'organizationId')
    .addSelect('u.email', 'email')
    .where('m.organizationId IN (:...ids)', { ids: organizationIds })
    .andWhere('m.role = :lr', { lr: MemberRole.LEGAL_REPRESENTATIVE })
    .getRawMany<{ organizationId: unknown; email: string }>();
  for (const row of rows) result.get(Number(row.organizationId))?.push(row.email);
  return result;
}

/**
 * One mail per legal representative of both sides, written for each side: `partnerText` to the
 * partner's, `clientText` to the client's (names come from the organizations).
 */
export async function mailsToBothSides(
  ctx: RequestContext,
  r: ClientRelationshipEntity,
  subject: string,
  texts: { partner: string; client: string },
): Promise<Mail[]> {
  const emails = await legalRepresentativeEmails(ctx, [r.partnerOrganizationId, r.clientOrganizationId]);
  return [
    ...(emails.get(r.partnerOrganizationId) ?? []).map((to) => ({ to, subject, text: texts.partner })),
    ...(emails.get(r.clientOrganizationId) ?? []).map((to) => ({ to, subject, text: texts.client })),
  ];
}

/** One mail per legal representative of one organization. */
export async function mailsToOrganization(
  ctx: RequestContext,
  organizationId: number,
  subject: string,
  text: string,
): Promise<Mail[]> {
  const emails = await legalRepresentativeEmails(ctx, [organizationId]);
  return (emails.get(organizationId) ?? []).map((to) => ({ to, subject, text }));
}

export async function organizationNames(
  ctx: RequestContext,
  r: ClientRelationshipEntity,
): Promise<{ partner: string; client: string }> {
  const orgs = await ctx.em.find(OrganizationEntity, {
    select: { id: true, name: true },
    where: { id: In([r.partnerOrganizationId, r.clientOrganizationId]) },
  });
  const name = (id: number) => orgs.find((o) => o.id === id)?.name ?? `organization ${id}`;
  return { partner: name(r.partnerOrganizationId), client: name(r.clientOrganizationId) };
}

/** A readable line of what the relationship grants, for mails. */
export function describeGrant(grant: AccessGrant): string {
  const what = grant.scope === AccessScope.FULL_ACCOUNT ? 'the whole account' : `${grant.productIds.length} product(s)`;
  return `${grant.level === AccessLevel.MANAGE ? 'manage' : 'read'} access to ${what}`;
}
