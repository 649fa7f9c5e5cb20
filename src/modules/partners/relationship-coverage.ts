import { Brackets, EntityManager, SelectQueryBuilder } from 'typeorm';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { BillingPeriod, ProductEntity, ProductStatus } from '../products/product.entity';
import {
  AccessLevel,
  AccessScope,
  BillingMode,
  ClientRelationshipEntity,
  RelationshipCollaboratorEntity,
  RelationshipProductEntity,
  RelationshipStatus,
} from './client-relationship.entity';
import { PartnerEntity, PartnerStatus } from './partner.entity';

/**
 * Reusable questions about client relationships (R31, R32): which relationship covers a product,
 * which clients a user reaches as a partner, what a relationship's products are worth a year. Each is
 * one statement for a whole batch; none checks the viewer's rights (callers do, or are the access scope).
 */

/** One delegated grant: the viewer reaches `clientOrganizationId` through relationship `relationshipId`. */
export interface PartnerGrant {
  relationshipId: number;
  partnerId: number;
  partnerOrganizationId: number;
  clientOrganizationId: number;
  scope: AccessScope;
  level: AccessLevel;
  billingMode: BillingMode;
  /** For scope PRODUCTS: the products it covers (empty for FULL_ACCOUNT). */
  productIds: number[];
}

const PARTNER_WIDE_ROLES = [MemberRole.LEGAL_REPRESENTATIVE, MemberRole.ADMINISTRATOR];

/**
 * The partner-grant rule (section 8.2, R32) as a query over relationships `r`: the ACTIVE
 * relationships of ACTIVE partners that `userId` reaches as a legal representative or administrator
 * of the partner organization, or as a partner USER assigned to the client. The one definition every
 * question below (and the access scope's own statement) builds on; callers add their selects.
 */
export function reachedRelationships(em: EntityManager, userId: number): SelectQueryBuilder<ClientRelationshipEntity> {
  return em
    .createQueryBuilder(ClientRelationshipEntity, 'r')
    .innerJoin(PartnerEntity, 'p', 'p.id = r.partnerId AND p.status = :partnerActive', {
      partnerActive: PartnerStatus.ACTIVE,
    })
    .innerJoin(MembershipEntity, 'm', 'm.organizationId = r.partnerOrganizationId AND m.userId = :userId', { userId })
    .leftJoin(RelationshipCollaboratorEntity, 'c', 'c.relationshipId = r.id AND c.userId = :userId', { userId })
    .where('r.status = :active', { active: RelationshipStatus.ACTIVE })
    .andWhere(
      new Brackets((q) => q.where('m.role IN (:...wide)', { wide: PARTNER_WIDE_ROLES }).orWhere('c.id IS NOT NULL')),
    );
}

/**
 * The grants of `userId` to the given client organizations, one row per (relationship, listed open
 * product), unordered: the columns `grantsOfRows` reads. The access scope embeds it in its own
 * statement.
 */
export function partnerGrantsQuery(
  em: EntityManager,
  userId: number,
  clientOrganizationIds: readonly number[],
): SelectQueryBuilder<ClientRelationshipEntity> {
  return reachedRelationships(em, userId)
    .leftJoin(RelationshipProductEntity, 'rp', 'rp.relationshipId = r.id AND rp.openProductId IS NOT NULL')
    .andWhere('r.clientOrganizationId IN (:...clients)', { clients: [...clientOrganizationIds] })
    .select('r.id', 'relationshipId')
    .addSelect('r.partnerId', 'partnerId')
    .addSelect('r.partnerOrganizationId', 'partnerOrganizationId')
    .addSelect('r.clientOrganizationId', 'clientOrganizationId')
    .addSelect('r.scope', 'scope')
    .addSelect('r.level', 'level')
    .addSelect('r.billingMode', 'billingMode')
    .addSelect('rp.productId', 'productId');
}

/** The grants in rows of `partnerGrantsQuery`'s columns, in the rows' order (first seen first). */
export function grantsOfRows(rows: ReadonlyArray<Record<string, unknown>>): PartnerGrant[] {
  const grants = new Map<number, PartnerGrant>();
  for (const row of rows) {
    const id = Number(row.relationshipId);
    let grant = grants.get(id);
    if (!grant) {
      grant = {
        relationshipId: id,
        partnerId: Number(row.partnerId),
        partnerOrganizationId: Number(row.partnerOrganizationId),
        clientOrganizationId: Number(row.clientOrganizationId),
        scope: row.scope as AccessScope,
        level: row.level as AccessLevel,
        billingMode: row.billingMode as BillingMode,
        productIds: [],
      };
      grants.set(id, grant);
    }
    if (row.productId !== null && row.productId !== undefined) grant.productIds.push(Number(row.productId));
  }
  return [...grants.values()];
}

/**
 * For each product, the ACTIVE relationship that covers it (a FULL_ACCOUNT one of its organization,
 * or a PRODUCTS one listing it), or null. Exclusivity (R31) makes it at most one. Two statements per batch.
 */
export async function activeRelationshipsCoveringProducts(
  em: EntityManager,
  products: ReadonlyArray<{ id: number; organizationId: number }>,
): Promise<Map<number, ClientRelationshipEntity>> {
  const result = new Map<number, ClientRelationshipEntity>();
  if (products.length === 0) return result;
  const listed = await em
    .createQueryBuilder(RelationshipProductEntity, 'rp')
    .select(['rp.relationshipId', 'rp.openProductId'])
    .where('rp.openProductId IN (:...ids)', { ids: products.map((p) => p.id) })
    .getMany();
  const relationships = await em
    .createQueryBuilder(ClientRelationshipEntity, 'r')
    .where('r.status = :active', { active: RelationshipStatus.ACTIVE })
    .andWhere(
      new Brackets((q) => {
        q.where('(r.scope = :full AND r.clientOrganizationId IN (:...orgs))', {
          full: AccessScope.FULL_ACCOUNT,
          orgs: [...new Set(products.map((p) => p.organizationId))],
        });
        if (listed.length) q.orWhere('r.id IN (:...listed)', { listed: listed.map((l) => l.relationshipId) });
      }),
    )
    .getMany();
  for (const product of products) {
    const byList = listed.find((l) => l.openProductId === product.id);
    const covering = relationships.find((r) =>
      r.scope === AccessScope.FULL_ACCOUNT
        ? r.clientOrganizationId === product.organizationId
        : byList !== undefined && r.id === byList.relationshipId,
    );
    if (covering) result.set(product.id, covering);
  }
  return result;
}

/**
 * The yearly price of the ACTIVE products each ACTIVE relationship covers, in the client's currency
 * (minor units): all of the client's products under FULL_ACCOUNT, the listed ones under PRODUCTS
 * (yearlyPrice of calc/partner-pricing, summed by the database). Other statuses are worth 0. One
 * statement per batch; indexes: ix_product_org, uq_relationship_product.
 */
export async function yearlyVolumeOfRelationships(
  em: EntityManager,
  relationships: readonly ClientRelationshipEntity[],
): Promise<Map<number, number>> {
  const volumes = new Map<number, number>(relationships.map((r) => [r.id, 0]));
  const active = relationships.filter((r) => r.status === RelationshipStatus.ACTIVE).map((r) => r.id);
  if (active.length === 0) return volumes;
  const rows: Array<{ relationshipId: number | string; volume: number | string | null }> = await em
    .createQueryBuilder(ClientRelationshipEntity, 'r')
    .innerJoin(ProductEntity, 'p', 'p.organizationId = r.clientOrganizationId AND p.status = :active', {
      active: ProductStatus.ACTIVE,
    })
    .where('r.id IN (:...ids)', { ids: active })
    .andWhere(
      new Brackets((q) =>
        q
          .where('r.scope = :full', { full: AccessScope.FULL_ACCOUNT })
          .orWhere(
            `EXISTS (SELECT 1 FROM client_relationship_product rp WHERE rp.relationshipId = r.id AND rp.productId = p.id)`,
          ),
      ),
    )
    .select('r.id', 'relationshipId')
    .addSelect('SUM(CASE WHEN p.billingPeriod = :monthly THEN p.price * 12 ELSE p.price END)', 'volume')
    .setParameter('monthly', BillingPeriod.MONTHLY)
    .groupBy('r.id')
    .getRawMany();
  // MariaDB answers SUM() as a DECIMAL string; SQLite as a number.
  for (const row of rows) volumes.set(Number(row.relationshipId), Number(row.volume ?? 0));
  return volumes;
}
