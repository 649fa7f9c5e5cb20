import { Brackets, In, SelectQueryBuilder } from 'typeorm';
import { addDays } from '../../calc/periods';
import { DEFAULT_RENEWAL_CONFIG, RenewalConfig } from '../../calc/renewal-schedule';
import { RequestContext } from '../../context';
import { ConnectionShape, PageArgs, PageInfo, pageSize } from '../../graphql/connection';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { InvoiceEntity, InvoiceStatus, InvoiceSubject } from '../billing/invoice.entity';
import { OrderEntity, OrderStatus } from '../orders/order.entity';
import { ProductEntity, ProductStatus } from '../products/product.entity';
import {
  AccessScope,
  ClientRelationshipEntity,
  RelationshipProductEntity,
  RelationshipStatus,
} from './client-relationship.entity';
import { PartnerEntity } from './partner.entity';
import { clientOrganizationIdsReachedBy, PartnerGrant, partnerGrantsOf } from './relationship-coverage';

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

/** A relationship the viewer reaches as partner, with the products it covers. */
interface Reach {
  fullAccountClients: number[];
  /** PRODUCTS relationships' listed product ids (all their clients). */
  listedProducts: number[];
}

/**
 * Partner.renewalRisks (R14, R22 seen from the partner's portfolio): the managed products and orders
 * of its ACTIVE clients that need attention, ordered by when they are lost: expiring within the
 * renewal lead (14 days) without auto-renewal (dueAt = expiry), auto-renewal charges that failed
 * (dueAt = expiry), blocked orders (dueAt = their automatic cancellation, FULL_ACCOUNT clients only),
 * overdue invoices (dueAt = when their products are cancelled, 30 days after the due date). Only the
 * clients the viewer reaches as partner (R32): legal representatives and administrators all, limited
 * users the ones assigned to them. A page costs a fixed number of statements whatever its size: the
 * reach (2), then per source one page query and one count.
 */
export class RenewalRisksService {
  constructor(private readonly config: RenewalConfig = DEFAULT_RENEWAL_CONFIG) {}

  async list(ctx: RequestContext, partner: PartnerEntity, page: PageArgs): Promise<ConnectionShape<RenewalRisk>> {
    const first = pageSize(page.first);
    const after = page.after ? decodeCursor(page.after) : null;
    const reach = await this.reachOf(ctx, partner);
    const now = ctx.now();
    const sources = this.sources(ctx, reach, now);
    const [pages, counts] = await Promise.all([
      Promise.all(
        sources.map((source, rank) => (first === 0 ? Promise.resolve([]) : source.page(after, rank, first + 1))),
      ),
      Promise.all(sources.map((source) => source.count())),
    ]);
    const merged = pages
      .flat()
      .sort(
        (a, b) =>
          a.dueAt.getTime() - b.dueAt.getTime() ||
          REASONS.indexOf(a.reason) - REASONS.indexOf(b.reason) ||
          a.sourceId - b.sourceId,
      );
    const visible = merged.slice(0, first);
    const edges = visible.map((node) => ({ cursor: encodeCursor(node), node }));
    return {
      edges,
      totalCount: counts.reduce((sum, n) => sum + n, 0),
      pageInfo: Object.assign(new PageInfo(), {
        hasNextPage: merged.length > first,
        hasPreviousPage: !!after,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      }),
    };
  }

  /**
   * The ACTIVE relationships of this partner through which the viewer reaches clients (R32, the
   * relationships' own rule: relationship-coverage), or all of them for the platform itself.
   * Nobody outside the partner organization reaches any (an empty page, like Partner.clients).
   */
  private async reachOf(ctx: RequestContext, partner: PartnerEntity): Promise<Reach> {
    const access = await ctx.access.forOrganization(partner.organizationId);
    if (!access || (access.via !== 'MEMBERSHIP' && access.via !== 'SYSTEM'))
      return { fullAccountClients: [], listedProducts: [] };
    let grants: Array<Pick<PartnerGrant, 'clientOrganizationId' | 'scope' | 'productIds'>>;
    if (access.via === 'SYSTEM') {
      const relationships = await ctx.em.findBy(ClientRelationshipEntity, {
        partnerId: partner.id,
        status: RelationshipStatus.ACTIVE,
      });
      const listed = relationships.length
        ? await ctx.em.findBy(RelationshipProductEntity, { relationshipId: In(relationships.map((r) => r.id)) })
        : [];
      grants = relationships.map((r) => ({
        clientOrganizationId: r.clientOrganizationId,
        scope: r.scope,
        productIds: listed.filter((l) => l.relationshipId === r.id && l.openProductId !== null).map((l) => l.productId),
      }));
    } else {
      const clients = await clientOrganizationIdsReachedBy(ctx.em, ctx.user.id);
      grants = (await partnerGrantsOf(ctx.em, ctx.user.id, clients)).filter((g) => g.partnerId === partner.id);
    }
    return {
      fullAccountClients: grants.filter((g) => g.scope === AccessScope.FULL_ACCOUNT).map((g) => g.clientOrganizationId),
      listedProducts: grants.filter((g) => g.scope === AccessScope.PRODUCTS).flatMap((g) => g.productIds),
    };
  }

  /** The four sources, in REASONS order. */
  private sources(ctx: RequestContext, reach: Reach, now: Date): Source[] {
    const cancelMs = this.config.cancelAfterOverdueDays * 86_400_000;
    const managedProducts = (q: SelectQueryBuilder<ProductEntity>) =>
      q.andWhere(
        new Brackets((b) => {
          b.where('1 = 0');
          if (reach.fullAccountClients.length)
            b.orWhere('p.organizationId IN (:...clients)', { clients: reach.fullAccountClients });
          if (reach.listedProducts.length) b.orWhere('p.id IN (:...listed)', { listed: reach.listedProducts });
        }),
      );
    const productRisk =
      (reason: RenewalRiskReason) =>
      (p: ProductEntity): RenewalRisk => ({
        reason,
        clientOrganizationId: p.organizationId,
        productId: p.id,
        orderId: null,
        dueAt: p.expiresAt,
        sourceId: p.id,
      });
    const expiring = () =>
      managedProducts(
        ctx.em
          .createQueryBuilder(ProductEntity, 'p')
          .where('p.status = :active AND p.autoRenew = :off', { active: ProductStatus.ACTIVE, off: false })
          .andWhere('p.expiresAt > :now AND p.expiresAt <= :horizon', {
            now,
            horizon: addDays(now, this.config.leadDays),
          }),
      );
    const failing = () =>
      managedProducts(
        ctx.em
          .createQueryBuilder(ProductEntity, 'p')
          .where('p.autoRenew = :on AND p.renewalFailures > 0', { on: true })
          .andWhere('p.status IN (:...live)', { live: [ProductStatus.ACTIVE, ProductStatus.BLOCKED] }),
      );
    const blocked = () =>
      ctx.em
        .createQueryBuilder(OrderEntity, 'o')
        .where('o.status = :blocked', { blocked: OrderStatus.BLOCKED })
        .andWhere(reach.fullAccountClients.length ? 'o.organizationId IN (:...clients)' : '1 = 0', {
          clients: reach.fullAccountClients,
        });
    const overdue = () =>
      ctx.em
        .createQueryBuilder(InvoiceEntity, 'i')
        .where('i.status = :overdue', { overdue: InvoiceStatus.OVERDUE })
        .andWhere(
          new Brackets((b) => {
            b.where('1 = 0');
            if (reach.fullAccountClients.length)
              b.orWhere('i.organizationId IN (:...clients)', { clients: reach.fullAccountClients });
            if (reach.listedProducts.length)
              b.orWhere(`i.id IN (SELECT l.invoiceId FROM invoice_line l WHERE l.productId IN (:...listed))`, {
                listed: reach.listedProducts,
              });
          }),
        );
    return [
      keyset(expiring, 'p', 'expiresAt', 0, productRisk(RenewalRiskReason.EXPIRES_WITHOUT_AUTO_RENEW)),
      keyset(failing, 'p', 'expiresAt', 0, productRisk(RenewalRiskReason.AUTO_RENEW_CHARGE_FAILED)),
      keyset(blocked, 'o', 'autoCancelAt', 0, (o: OrderEntity) => ({
        reason: RenewalRiskReason.ORDER_BLOCKED,
        clientOrganizationId: o.organizationId,
        productId: null,
        orderId: o.id,
        dueAt: o.autoCancelAt ?? o.createdAt,
        sourceId: o.id,
      })),
      keyset(overdue, 'i', 'dueAt', cancelMs, (i: InvoiceEntity) => ({
        reason: RenewalRiskReason.INVOICE_OVERDUE,
        clientOrganizationId: i.organizationId,
        productId: i.subject === InvoiceSubject.RENEWAL ? i.subjectId : null,
        orderId: i.orderId,
        dueAt: new Date(i.dueAt.getTime() + cancelMs),
        sourceId: i.id,
      })),
    ];
  }
}

interface Source {
  page(after: Cursor | null, rank: number, limit: number): Promise<RenewalRisk[]>;
  count(): Promise<number>;
}

/**
 * One source paged by (its time column + `offsetMs`, id) after the cursor: at an equal time a source
 * ranked before the cursor's is done, the cursor's own continues after its id, a later one starts at it.
 */
function keyset<E extends { id: number }>(
  build: () => SelectQueryBuilder<E>,
  alias: string,
  column: string,
  offsetMs: number,
  toRisk: (row: E) => RenewalRisk,
): Source {
  return {
    async page(after, rank, limit) {
      const query = build().orderBy(`${alias}.${column}`, 'ASC').addOrderBy(`${alias}.id`, 'ASC').limit(limit);
      if (after) {
        const at = new Date(after.dueAt.getTime() - offsetMs);
        if (rank < after.rank) query.andWhere(`${alias}.${column} > :at`, { at });
        else if (rank > after.rank) query.andWhere(`${alias}.${column} >= :at`, { at });
        else
          query.andWhere(`(${alias}.${column} > :at OR (${alias}.${column} = :at AND ${alias}.id > :afterId))`, {
            at,
            afterId: after.id,
          });
      }
      return (await query.getMany()).map(toRisk);
    },
    count: () => build().getCount(),
  };
}
