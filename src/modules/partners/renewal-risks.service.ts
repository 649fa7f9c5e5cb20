import { EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { addDays } from '../../calc/periods';
import { DEFAULT_RENEWAL_CONFIG, RenewalConfig } from '../../calc/renewal-schedule';
import { RequestContext } from '../../context';
import { datetimePlusDays, hydratedValue, rawQuery } from '../../db/raw-sql';
import { rowMapper } from '../../db/row-mapper';
import { ConnectionShape, lazyCount, PageArgs, pageInfoOf, pageSize } from '../../graphql/connection';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { InvoiceStatus, InvoiceSubject } from '../billing/invoice.entity';
import { OrderEntity, OrderStatus } from '../orders/order.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ProductEntity, ProductStatus } from '../products/product.entity';
import { AccessScope, ClientRelationshipEntity, RelationshipStatus } from './client-relationship.entity';
import { PartnerEntity } from './partner.entity';
import { reachedRelationships } from './relationship-coverage';
export enum RenewalRiskReason {
  EXPIRES_WITHOUT_AUTO_RENEW = 'EXPIRES_WITHOUT_AUTO_RENEW',
  AUTO_RENEW_CHARGE_FAILED = 'AUTO_RENEW_CHARGE_FAILED',
  ORDER_BLOCKED = 'ORDER_BLOCKED',
  INVOICE_OVERDUE = 'INVOICE_OVERDUE',
}

/** One thing that needs the partner's attention, and when it is lost (`dueAt`). */
export interface RenewalRisk {
  reason: RenewalRiskReason;
  clientOrganizationId: number;
  productId: number | null;
  orderId: number | null;
  dueAt: Date;
  /** The row it comes from (product, order or invoice id): with the reason, the tie-breaker of the order. */
  sourceId: number;
}

/** The sources in their tie-breaking order (rank) at equal `dueAt`. */
const REASONS = [
  RenewalRiskReason.EXPIRES_WITHOUT_AUTO_RENEW,
  RenewalRiskReason.AUTO_RENEW_CHARGE_FAILED,
  RenewalRiskReason.ORDER_BLOCKED,
  RenewalRiskReason.INVOICE_OVERDUE,
];

interface Cursor {
  dueAt: Date;
  rank: number;
  id: number;
}

const encodeCursor = (risk: RenewalRisk) =>
  Buffer.from(`r:${risk.dueAt.getTime()}:${REASONS.indexOf(risk.reason)}:${risk.sourceId}`).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  const match = /^r:(\d{1,15}):([0-3]):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new BusinessError(CommonErrorCode.INVALID_CURSOR, 'The "after" cursor is not one this server issued.', [
      'after',
    ]);
  return { dueAt: new Date(Number(match[1])), rank: Number(match[2]), id: Number(match[3]) };
}

/** A row of the risks' page: the source (its rank in REASONS), what the risk links to, the joined rows' columns. */
interface RiskRow extends Record<string, unknown> {
  reasonRank: number | string;
  sourceId: number | string;
  clientOrganizationId: number | string;
  productId: number | string | null;
  orderId: number | string | null;
  dueAt: unknown;
  total: number | string;
}

/**
 * Partner.renewalRisks (R14, R22 seen from the partner's portfolio): the managed products and orders
 * of its ACTIVE clients that need attention, ordered by when they are lost: expiring within the
 * renewal lead (14 days) without auto-renewal (dueAt = expiry), auto-renewal charges that failed
 * (dueAt = expiry), blocked orders (dueAt = their automatic cancellation, FULL_ACCOUNT clients only),
 * overdue invoices (dueAt = when their products are cancelled, 30 days after the due date). Only the
 * clients the viewer reaches as partner (R32): legal representatives and administrators all, limited
 * users the ones assigned to them. A page is ONE statement whatever its size (the four sources in a
 * UNION ALL, the viewer's reach folded in, the total counted alongside, each risk's client, product
 * and order joined); a separate count only for an empty page whose `totalCount` is asked.
 */
export class RenewalRisksService {
  constructor(private readonly config: RenewalConfig = DEFAULT_RENEWAL_CONFIG) {}

  async list(ctx: RequestContext, partner: PartnerEntity, page: PageArgs): Promise<ConnectionShape<RenewalRisk>> {
    const first = pageSize(page.first);
    const after = page.after ? decodeCursor(page.after) : null;
    const reach = await this.reachOf(ctx, partner);
    if (!reach) return { edges: [], totalCount: 0, pageInfo: pageInfoOf([], false, !!after) };
    const risks = this.risks(ctx, reach);
    const { risks: rows, total } =
      first === 0 ? { risks: [], total: null } : await this.page(ctx, risks, after, first + 1);
    const edges = rows.slice(0, first).map((node) => ({ cursor: encodeCursor(node), node }));
    return lazyCount({ edges, pageInfo: pageInfoOf(edges, rows.length > first, !!after) }, async () => {
      if (total !== null) return total;
      const [row] = await rawQuery<{ n: number | string }>(
        ctx.em,
        `${risks.sql} SELECT COUNT(*) AS n FROM risk`,
        risks.parameters,
      );
      return Number(row.n);
    });
  }

  /**
   * The ACTIVE relationships of this partner through which the viewer reaches clients (R32, the
   * relationships' own rule: `reachedRelationships`), or all of them for the platform itself; columns
   * id, clientOrganizationId, scope. Null for anybody outside the partner organization (an empty
   * page, like Partner.clients).
   */
  private async reachOf(
    ctx: RequestContext,
    partner: PartnerEntity,
  ): Promise<SelectQueryBuilder<ClientRelationshipEntity> | null> {
    const access = await ctx.access.forOrganization(partner.organizationId);
    if (!access || (access.via !== 'MEMBERSHIP' && access.via !== 'SYSTEM')) return null;
    const relationships =
      access.via === 'SYSTEM'
        ? ctx.em
            .createQueryBuilder(ClientRelationshipEntity, 'r')
            .where('r.status = :active', { active: RelationshipStatus.ACTIVE })
        : reachedRelationships(ctx.em, ctx.user.id);
    return relationships
      .andWhere('r.partnerId = :reachPartnerId', { reachPartnerId: partner.id })
      .select('r.id', 'id')
      .addSelect('r.clientOrganizationId', 'clientOrganizationId')
      .addSelect('r.scope', 'scope');
  }

  /**
   * The risks as common table expressions ending in `risk` (reasonRank, sourceId, clientOrganizationId,
   * productId, orderId, dueAt), for a SELECT to follow: the reach, the clients it covers whole
   * (FULL_ACCOUNT) and the open products it lists (PRODUCTS), then the four sources in REASONS order.
   */
  private risks(ctx: RequestContext, reach: SelectQueryBuilder<ClientRelationshipEntity>) {
    const now = ctx.now();
    const managed = (p: string) =>
      `(${p}.organizationId IN (SELECT id FROM fullClient) OR ${p}.id IN (SELECT id FROM listedProduct))`;
    const sql = `
      WITH reach AS (${reach.getQuery()}),
      fullClient AS (SELECT clientOrganizationId AS id FROM reach WHERE scope = :full),
      listedProduct AS (
        SELECT rp.productId AS id FROM reach
          JOIN client_relationship_product rp ON rp.relationshipId = reach.id AND rp.openProductId IS NOT NULL
          WHERE reach.scope = :listed),
      risk AS (
        SELECT 0 AS reasonRank, p.id AS sourceId, p.organizationId AS clientOrganizationId, p.id AS productId,
            NULL AS orderId, p.expiresAt AS dueAt
          FROM product p
          WHERE p.status = :activeProduct AND p.autoRenew = :off AND p.expiresAt > :now AND p.expiresAt <= :horizon
            AND ${managed('p')}
        UNION ALL
        SELECT 1, p.id, p.organizationId, p.id, NULL, p.expiresAt
          FROM product p
          WHERE p.autoRenew = :on AND p.renewalFailures > 0 AND p.status IN (:...live) AND ${managed('p')}
        UNION ALL
        SELECT 2, o.id, o.organizationId, NULL, o.id, COALESCE(o.autoCancelAt, o.createdAt)
          FROM customer_order o
          WHERE o.status = :blocked AND o.organizationId IN (SELECT id FROM fullClient)
        UNION ALL
        SELECT 3, i.id, i.organizationId, CASE WHEN i.subject = :renewal THEN i.subjectId END, i.orderId,
            ${datetimePlusDays(ctx.em, 'i.dueAt', 'cancelDays')}
          FROM invoice i
          WHERE i.status = :overdue AND (i.organizationId IN (SELECT id FROM fullClient)
            OR i.id IN (SELECT l.invoiceId FROM invoice_line l WHERE l.productId IN (SELECT id FROM listedProduct))))`;
    return {
      sql,
      parameters: {
        ...reach.getParameters(),
        full: AccessScope.FULL_ACCOUNT,
        listed: AccessScope.PRODUCTS,
        activeProduct: ProductStatus.ACTIVE,
        off: false,
        on: true,
        now,
        horizon: addDays(now, this.config.leadDays),
        live: [ProductStatus.ACTIVE, ProductStatus.BLOCKED],
        blocked: OrderStatus.BLOCKED,
        renewal: InvoiceSubject.RENEWAL,
        overdue: InvoiceStatus.OVERDUE,
        cancelDays: this.config.cancelAfterOverdueDays,
      },
    };
  }

  /**
   * `limit` risks after the cursor, by (dueAt, rank, source id), with the total of the whole list
   * (null when the page is empty). The same statement joins each risk's client, product and order,
   * and primes the request's loaders with them: the risks' links cost nothing more.
   */
  private async page(
    ctx: RequestContext,
    risks: { sql: string; parameters: Record<string, unknown> },
    after: Cursor | null,
    limit: number,
  ): Promise<{ risks: RenewalRisk[]; total: number | null }> {
    const keyset = after
      ? 'WHERE dueAt > :afterDueAt OR (dueAt = :afterDueAt AND (reasonRank > :afterRank OR (reasonRank = :afterRank AND sourceId > :afterId)))'
      : '';
    const { em } = ctx;
    const table = (entity: EntityTarget<ObjectLiteral>) => em.connection.getMetadata(entity).tableName;
    const [clients, products, orders] = [
      rowMapper(em, OrganizationEntity, 'c_'),
      rowMapper(em, ProductEntity, 'pr_'),
      rowMapper(em, OrderEntity, 'o_'),
    ];
    const rows = await rawQuery<RiskRow>(
      em,
      `${risks.sql},
      counted AS (SELECT risk.*, COUNT(*) OVER () AS total FROM risk),
      page AS (SELECT * FROM counted ${keyset} ORDER BY dueAt, reasonRank, sourceId LIMIT ${Number(limit)})
      SELECT page.*, ${clients.selection('c')}, ${products.selection('pr')},
          ${orders.selection('o')}
        FROM page
        JOIN ${table(OrganizationEntity)} c ON c.id = page.clientOrganizationId
        LEFT JOIN ${table(ProductEntity)} pr ON pr.id = page.productId
        LEFT JOIN ${table(OrderEntity)} o ON o.id = page.orderId
        ORDER BY page.dueAt, page.reasonRank, page.sourceId`,
      { ...risks.parameters, afterDueAt: after?.dueAt, afterRank: after?.rank, afterId: after?.id },
    );
    for (const row of rows) {
      const [client, product, order] = [clients.read(row), products.read(row), orders.read(row)];
      if (client) ctx.loaders.organization.prime(client.id, client);
      if (product) ctx.loaders.product.prime(product.id, product);
      if (order) ctx.loaders.order.prime(order.id, order);
    }
    return {
      total: rows.length ? Number(rows[0].total) : null,
      risks: rows.map((row) => ({
        reason: REASONS[Number(row.reasonRank)],
        clientOrganizationId: Number(row.clientOrganizationId),
        productId: row.productId === null ? null : Number(row.productId),
        orderId: row.orderId === null ? null : Number(row.orderId),
        dueAt: hydratedValue(em, ProductEntity, 'expiresAt', row.dueAt) as Date,
        sourceId: Number(row.sourceId),
      })),
    };
  }
}
