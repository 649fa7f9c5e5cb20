import DataLoader from 'dataloader';
import { EntityManager, In } from 'typeorm';
import { ProductStatus, ProductType } from '../products/product.entity';
import { AccessScope, BillingMode, RelationshipStatus } from './client-relationship.entity';
import { PartnerEntity } from './partner.entity';

/** What an organization manages now (R28, R30), the inputs of its tier and its degressive tariff. */
export interface ManagedFigures {
  /**
   * Yearly price (monthly × 12, yearly as is) of the ACTIVE products it manages — its own and its
   * ACTIVE clients' (FULL_ACCOUNT: every product of the client, PRODUCTS: the listed ones) — in its
   * own currency, minor units. Products priced in another currency are not counted (no conversion).
   */
  volume: number;
  /** ACTIVE web hostings billed to it: its own and those of FULL_ACCOUNT + PARTNER_PAYS clients (any currency). */
  webHostingsBilled: number;
}

const NONE: ManagedFigures = { volume: 0, webHostingsBilled: 0 };

/**
 * The managed figures of each organization id, in key order: ONE statement per batch whatever the
 * number of partners, clients and products (a UNION ALL of the three ways a product is managed,
 * summed per organization). Indexes used: ix_product_org, uq_partner_org, ix_relationship_partner,
 * uq_relationship_product.
 */
export function managedFiguresLoader(em: EntityManager): DataLoader<number, ManagedFigures> {
  return new DataLoader(async (organizationIds) => {
    const figures = await loadManagedFigures(em, [...organizationIds]);
    return organizationIds.map((id) => figures.get(id) ?? NONE);
  });
}

/** See managedFiguresLoader; usable inside a transaction (an application reads its own volume). */
export async function loadManagedFigures(
  em: EntityManager,
  organizationIds: readonly number[],
): Promise<Map<number, ManagedFigures>> {
  if (organizationIds.length === 0) return new Map();
  const ids = organizationIds.map(() => '?').join(', ');
  const product =
    'pr.type AS productType, pr.billingPeriod AS billingPeriod, pr.price AS price, pr.currency AS currency';
  const sql = `
    SELECT x.orgId AS orgId,
      SUM(CASE WHEN x.currency = x.orgCurrency
        THEN (CASE WHEN x.billingPeriod = 'MONTHLY' THEN x.price * 12 ELSE x.price END) ELSE 0 END) AS volume,
      SUM(CASE WHEN x.productType = ? AND x.billed = 1 THEN 1 ELSE 0 END) AS webHostingsBilled
    FROM (
      SELECT o.id AS orgId, o.currency AS orgCurrency, 1 AS billed, ${product}
        FROM organization o
        JOIN product pr ON pr.organizationId = o.id AND pr.status = ?
        WHERE o.id IN (${ids})
      UNION ALL
      SELECT o.id, o.currency, CASE WHEN r.billingMode = ? THEN 1 ELSE 0 END, ${product}
        FROM organization o
        JOIN partner p ON p.organizationId = o.id
        JOIN client_relationship r ON r.partnerId = p.id AND r.status = ? AND r.scope = ?
        JOIN product pr ON pr.organizationId = r.clientOrganizationId AND pr.status = ?
        WHERE o.id IN (${ids})
      UNION ALL
      SELECT o.id, o.currency, 0, ${product}
        FROM organization o
        JOIN partner p ON p.organizationId = o.id
        JOIN client_relationship r ON r.partnerId = p.id AND r.status = ? AND r.scope = ?
        JOIN client_relationship_product rp ON rp.relationshipId = r.id
        JOIN product pr ON pr.id = rp.productId AND pr.organizationId = r.clientOrganizationId AND pr.status = ?
        WHERE o.id IN (${ids})
    ) x
    GROUP BY x.orgId`;
  const active = ProductStatus.ACTIVE;
  const open = RelationshipStatus.ACTIVE;
  const rows: Array<{
    orgId: number | string;
    volume: number | string | null;
    webHostingsBilled: number | string | null;
  }> = await em.query(sql, [
    ProductType.WEB_HOSTING,
    active,
    ...organizationIds,
    BillingMode.PARTNER_PAYS,
    open,
    AccessScope.FULL_ACCOUNT,
    active,
    ...organizationIds,
    open,
    AccessScope.PRODUCTS,
    active,
    ...organizationIds,
  ]);
  // MariaDB answers SUM() as a DECIMAL string; SQLite as a number.
  return new Map(
    rows.map((row) => [
      Number(row.orgId),
      { volume: Number(row.volume ?? 0), webHostingsBilled: Number(row.webHostingsBilled ?? 0) },
    ]),
  );
}

/** Each organization's partner row (Organization.partner), in key order: one query per batch. */
export function partnerOfOrganizationLoader(em: EntityManager): DataLoader<number, PartnerEntity | null> {
  return new DataLoader(async (organizationIds) => {
    const rows = await em.findBy(PartnerEntity, { organizationId: In([...organizationIds]) });
    const byOrg = new Map(rows.map((p) => [p.organizationId, p]));
    return organizationIds.map((id) => byOrg.get(id) ?? null);
  });
}
