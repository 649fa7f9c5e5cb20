import { EntityManager } from 'typeorm';
import { ForbiddenError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { InvoiceLineEntity } from '../billing/invoice-line.entity';
import { InvoiceEntity } from '../billing/invoice.entity';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ProductEntity } from '../products/product.entity';
import { AccessScope, ClientRelationshipEntity, RelationshipStatus } from '../partners/client-relationship.entity';
import { CashbackEntryEntity, CashbackStatus } from '../partners/cashback.entity';
import type { PartnerEntity } from '../partners/partner.entity';
import type { BillingRow } from './export-format';

/** What one export reads: the partner, the period (UTC dates, inclusive) and the relationships it covers. */
export interface ExportScope {
  partner: PartnerEntity;
  from: string;
  to: string;
  /** Relationships that were active at some point, reachable by the requester, in id order. */
  relationships: ClientRelationshipEntity[];
}

const DAY_MS = 86400_000;

/**
 * The relationships a partner's collaborator may export (R32, R33): a legal representative or
 * administrator of the partner reaches every client, a limited user only the clients assigned to it;
 * `null` (the platform: CLI) reaches every one. Only relationships that were ACTIVE at some point
 * (started; ACTIVE or ENDED now), optionally limited to `clientOrganizationIds`. FORBIDDEN for
 * anyone who is not a member of the partner's organization.
 */
export async function reachableRelationships(
  em: EntityManager,
  partner: PartnerEntity,
  userId: number | null,
  clientOrganizationIds: readonly number[] | null,
): Promise<ClientRelationshipEntity[]> {
  const query = em
    .createQueryBuilder(ClientRelationshipEntity, 'r')
    .where('r.partnerId = :partnerId AND r.status IN (:...statuses) AND r.startedAt IS NOT NULL', {
      partnerId: partner.id,
      statuses: [RelationshipStatus.ACTIVE, RelationshipStatus.ENDED],
    })
    .orderBy('r.id', 'ASC');
  if (userId !== null) {
    const membership = await em.findOneBy(MembershipEntity, { organizationId: partner.organizationId, userId });
    if (!membership) throw new ForbiddenError('Only members of the partner export its clients’ billing.');
    if (membership.role === MemberRole.USER)
      query.andWhere(
        `EXISTS (SELECT 1 FROM client_relationship_collaborator c WHERE c.relationshipId = r.id AND c.userId = :userId)`,
        { userId },
      );
  }
  if (clientOrganizationIds) {
    if (clientOrganizationIds.length === 0) return [];
    query.andWhere('r.clientOrganizationId IN (:...clients)', { clients: [...clientOrganizationIds] });
  }
  return query.getMany();
}

/** The instants [lo, hi) of the relationship's active time inside the period, or null when they do not meet. */
function window(scope: ExportScope, relationship: ClientRelationshipEntity): { lo: Date; hi: Date } | null {
  const from = new Date(`${scope.from}T00:00:00Z`);
  const to = new Date(new Date(`${scope.to}T00:00:00Z`).getTime() + DAY_MS);
  const lo = new Date(Math.max(from.getTime(), relationship.startedAt!.getTime()));
  const hi = new Date(Math.min(to.getTime(), relationship.endedAt?.getTime() ?? Infinity));
  return lo < hi ? { lo, hi } : null;
}

function linesQuery(em: EntityManager, relationship: ClientRelationshipEntity, w: { lo: Date; hi: Date }) {
  const query = em
    .createQueryBuilder(InvoiceLineEntity, 'l')
    .innerJoin(InvoiceEntity, 'i', 'i.id = l.invoiceId')
    .where('l.organizationId = :org AND i.issuedAt >= :lo AND i.issuedAt < :hi', {
      org: relationship.clientOrganizationId,
      lo: w.lo,
      hi: w.hi,
    });
  // A PRODUCTS relationship covers the delegated products' lines only, never the client's other billing.
  if (relationship.scope === AccessScope.PRODUCTS)
    query.andWhere(
      `l.productId IN (SELECT rp.productId FROM client_relationship_product rp WHERE rp.relationshipId = :rid)`,
      { rid: relationship.id },
    );
  return query;
}

/** How many rows the export will have (for `progress`). */
export async function countRows(em: EntityManager, scope: ExportScope): Promise<number> {
  let total = 0;
  for (const relationship of scope.relationships) {
    const w = window(scope, relationship);
    if (w) total += await linesQuery(em, relationship, w).getCount();
  }
  return total;
}

const isoDate = (value: Date | string | null): string | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
};

interface RawLine {
  id: number | string;
  description: string;
  productType: string | null;
  productId: number | string | null;
  quantity: number | string;
  listAmount: number | string;
  degressiveDiscount: number | string;
  partnerDiscount: number | string;
  netAmount: number | string;
  vatRateBp: number | string;
  vatAmount: number | string;
  grossAmount: number | string;
  periodStart: string | null;
  periodEnd: string | null;
  invoiceId: number | string;
  number: string;
  issuedAt: Date | string;
  dueAt: Date | string;
  paidAt: Date | string | null;
  status: string;
  payer: string;
  currency: string;
  productName: string | null;
}

/**
 * The export's rows in batches of at most `batchSize`: relationship by relationship, invoice lines
 * in id order (keyset: `id > last`, never OFFSET), each batch one indexed query (and one for its
 * cashback). Only invoices issued inside both the period and the relationship's active time are read.
 */
export async function* billingRows(
  em: EntityManager,
  scope: ExportScope,
  batchSize = 2000,
): AsyncGenerator<BillingRow[]> {
  for (const relationship of scope.relationships) {
    const w = window(scope, relationship);
    if (!w) continue;
    const client = await em.findOneByOrFail(OrganizationEntity, { id: relationship.clientOrganizationId });
    const clientId = toGlobalId('Organization', client.id);
    let after = 0;
    for (;;) {
      const raw = await linesQuery(em, relationship, w)
        .andWhere('l.id > :after', { after })
        .leftJoin(ProductEntity, 'p', 'p.id = l.productId')
        .select([
          'l.id AS id',
          'l.description AS description',
          'l.productType AS productType',
          'l.productId AS productId',
          'l.quantity AS quantity',
          'l.listAmount AS listAmount',
          'l.degressiveDiscount AS degressiveDiscount',
          'l.partnerDiscount AS partnerDiscount',
          'l.netAmount AS netAmount',
          'l.vatRateBp AS vatRateBp',
          'l.vatAmount AS vatAmount',
          'l.grossAmount AS grossAmount',
          'l.periodStart AS periodStart',
          'l.periodEnd AS periodEnd',
          'i.id AS invoiceId',
          'i.number AS number',
          'i.issuedAt AS issuedAt',
          'i.dueAt AS dueAt',
          'i.paidAt AS paidAt',
          'i.status AS status',
          'i.payer AS payer',
          'i.currency AS currency',
          'p.name AS productName',
        ])
        .orderBy('l.id', 'ASC')
        .limit(batchSize)
        .getRawMany<RawLine>();
      if (raw.length === 0) break;
      after = Number(raw[raw.length - 1].id);
      const cashback = await cashbackOfLines(em, scope.partner.id, raw);
      yield raw.map((line) => ({
        partner: scope.partner.code,
        clientId,
        clientName: client.name,
        invoiceNumber: line.number,
        issueDate: isoDate(line.issuedAt)!,
        dueDate: isoDate(line.dueAt)!,
        paidDate: isoDate(line.paidAt),
        status: line.status,
        payer: line.payer,
        productId: line.productId === null ? null : toGlobalId('Product', Number(line.productId)),
        productType: line.productType,
        productName: line.productName,
        description: line.description,
        serviceStart: line.periodStart,
        serviceEnd: line.periodEnd,
        quantity: Number(line.quantity),
        listAmount: Number(line.listAmount),
        degressiveDiscount: Number(line.degressiveDiscount),
        partnerDiscount: Number(line.partnerDiscount),
        netAmount: Number(line.netAmount),
        vatRateBp: Number(line.vatRateBp),
        vatAmount: Number(line.vatAmount),
        grossAmount: Number(line.grossAmount),
        currency: line.currency,
        cashback: cashback.get(Number(line.id)) ?? 0,
      }));
      if (raw.length < batchSize) break;
    }
  }
}

/**
 * The partner's cashback on each line (R30), minor units of the partner's currency: what it earned
 * net of reversals; cancelled entries (refunded before crediting) count nothing. One statement per batch.
 */
async function cashbackOfLines(em: EntityManager, partnerId: number, lines: RawLine[]): Promise<Map<number, number>> {
  const invoiceIds = [...new Set(lines.map((l) => Number(l.invoiceId)))];
  const rows = await em
    .createQueryBuilder(CashbackEntryEntity, 'c')
    .select('c.invoiceLineId', 'lineId')
    .addSelect('SUM(c.amount)', 'total')
    .where('c.partnerId = :partnerId AND c.invoiceId IN (:...invoiceIds) AND c.status <> :cancelled', {
      partnerId,
      invoiceIds,
      cancelled: CashbackStatus.CANCELLED,
    })
    .groupBy('c.invoiceLineId')
    .getRawMany<{ lineId: number | string; total: number | string }>();
  return new Map(rows.map((r) => [Number(r.lineId), Number(r.total)]));
}

/** Client organization ids of `ids` that are not among the reachable relationships' clients. */
export function unreachableClients(ids: readonly number[], relationships: ClientRelationshipEntity[]): number[] {
  const reachable = new Set(relationships.map((r) => r.clientOrganizationId));
  return ids.filter((id) => !reachable.has(id));
}
