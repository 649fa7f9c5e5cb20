import { EntityManager } from 'typeorm';
import { rawQuery } from '../../db/raw-sql';
import { ForbiddenError } from '../../graphql/base-errors';
import { toGlobalId } from '../../graphql/global-id';
import { MemberRole, MembershipEntity } from '../organizations/membership.entity';
import { AccessScope, ClientRelationshipEntity, RelationshipStatus } from '../partners/client-relationship.entity';
import { CashbackStatus } from '../partners/cashback.entity';
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

/** The WHERE clause of a relationship's lines (named parameters); joins invoice `i`. */
function linesWhere(relationship: ClientRelationshipEntity, w: { lo: Date; hi: Date }) {
  // A PRODUCTS relationship covers the delegated products' lines only, never the client's other billing.
  const products =
    relationship.scope === AccessScope.PRODUCTS
      ? ' AND l.productId IN (SELECT rp.productId FROM client_relationship_product rp WHERE rp.relationshipId = :rid)'
      : '';
  return {
    sql: `l.organizationId = :org AND i.issuedAt >= :lo AND i.issuedAt < :hi${products}`,
    parameters: { org: relationship.clientOrganizationId, lo: w.lo, hi: w.hi, rid: relationship.id },
  };
}

/** How many rows the export will have (for `progress`). */
export async function countRows(em: EntityManager, scope: ExportScope): Promise<number> {
  let total = 0;
  for (const relationship of scope.relationships) {
    const w = window(scope, relationship);
    if (!w) continue;
    const where = linesWhere(relationship, w);
    const [row] = await rawQuery<{ n: number | string }>(
      em,
      `SELECT COUNT(*) AS n FROM invoice_line l INNER JOIN invoice i ON i.id = l.invoiceId WHERE ${where.sql}`,
      where.parameters,
    );
    total += Number(row.n);
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
  clientName: string;
}

/** Only the exported columns; the client's name and the product's name joined in SQL, not looked up per batch. */
const LINES_SELECT = `SELECT l.id AS id, l.description AS description, l.productType AS productType,
  l.productId AS productId, l.quantity AS quantity, l.listAmount AS listAmount,
  l.degressiveDiscount AS degressiveDiscount, l.partnerDiscount AS partnerDiscount, l.netAmount AS netAmount,
  l.vatRateBp AS vatRateBp, l.vatAmount AS vatAmount, l.grossAmount AS grossAmount,
  l.periodStart AS periodStart, l.periodEnd AS periodEnd, i.id AS invoiceId, i.number AS number,
  i.issuedAt AS issuedAt, i.dueAt AS dueAt, i.paidAt AS paidAt, i.status AS status, i.payer AS payer,
  i.currency AS currency, p.name AS productName, o.name AS clientName
FROM invoice_line l
INNER JOIN invoice i ON i.id = l.invoiceId
INNER JOIN organization o ON o.id = l.organizationId
LEFT JOIN product p ON p.id = l.productId`;

/** The first batch is small so that the first rows go out at once; the others are `batchSize`. */
const FIRST_BATCH = 250;

interface Fetched {
  relationship: number;
  lines: RawLine[];
  cashback: Map<number, number>;
  /** Whether the relationship may have more lines after these. */
  full: boolean;
}

/**
 * The export's rows in batches of at most `batchSize`: relationship by relationship, invoice lines
 * in id order (keyset: `id > last`, never OFFSET), each batch one indexed statement returning plain
 * rows (and one for its cashback). Only invoices issued inside both the period and the
 * relationship's active time are read. The next batch is read while the caller writes this one
 * (one batch ahead at most, so memory stays bounded).
 */
export async function* billingRows(
  em: EntityManager,
  scope: ExportScope,
  batchSize = 1000,
): AsyncGenerator<BillingRow[]> {
  const windows = scope.relationships.map((relationship) => window(scope, relationship));
  const fetch = async (index: number, after: number, limit: number): Promise<Fetched> => {
    const relationship = scope.relationships[index];
    const where = linesWhere(relationship, windows[index]!);
    const lines = await rawQuery<RawLine>(
      em,
      `${LINES_SELECT} WHERE ${where.sql} AND l.id > :after ORDER BY l.id ASC LIMIT ${Number(limit)}`,
      { ...where.parameters, after },
    );
    const cashback = lines.length ? await cashbackOfLines(em, scope.partner.id, lines) : new Map<number, number>();
    return { relationship: index, lines, cashback, full: lines.length === limit };
  };
  /** The first batch of the next relationship (from `index` on) that meets the period, or null. */
  const startFrom = (index: number, limit: number): Promise<Fetched> | null => {
    while (index < windows.length && !windows[index]) index += 1;
    return index < windows.length ? fetch(index, 0, limit) : null;
  };
  let pending = startFrom(0, Math.min(FIRST_BATCH, batchSize));
  const productIds = new Map<number, string>();
  try {
    while (pending) {
      const current = await pending;
      const { relationship, lines, cashback } = current;
      pending = current.full
        ? fetch(relationship, Number(lines[lines.length - 1].id), batchSize)
        : startFrom(relationship + 1, batchSize);
      // Read ahead: if the caller stops, the read finishes unobserved (it is awaited or dropped below).
      pending?.catch(() => undefined);
      if (lines.length === 0) continue;
      const clientId = toGlobalId('Organization', scope.relationships[relationship].clientOrganizationId);
      if (productIds.size > 10_000) productIds.clear();
      const rows = new Array<BillingRow>(lines.length);
      let invoiceId: unknown = null;
      let issueDate = '';
      let dueDate = '';
      let paidDate: string | null = null;
      for (let n = 0; n < lines.length; n += 1) {
        const line = lines[n];
        // Ten lines of an invoice share its dates: format them once per invoice.
        if (line.invoiceId !== invoiceId) {
          invoiceId = line.invoiceId;
          issueDate = isoDate(line.issuedAt)!;
          dueDate = isoDate(line.dueAt)!;
          paidDate = isoDate(line.paidAt);
        }
        let productId: string | null = null;
        if (line.productId !== null) {
          const id = Number(line.productId);
          productId = productIds.get(id) ?? null;
          if (productId === null) productIds.set(id, (productId = toGlobalId('Product', id)));
        }
        rows[n] = {
          partner: scope.partner.code,
          clientId,
          clientName: line.clientName,
          invoiceNumber: line.number,
          issueDate,
          dueDate,
          paidDate,
          status: line.status,
          payer: line.payer,
          productId,
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
        };
      }
      yield rows;
      // One turn of the event loop per batch. With a synchronous driver (SQLite) and a synchronous sink (stdout
      // redirected to a file) every await above resolves at once and the loop never turns; V8 finishes its
      // incremental garbage collection in a task of that loop, so memory grew with the export (1 GB for
      // 1,000,000 lines) instead of staying flat.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await pending?.catch(() => undefined);
  }
}

/**
 * The partner's cashback on each line (R30), minor units of the partner's currency: what it earned
 * net of reversals; cancelled entries (refunded before crediting) count nothing. One statement per batch.
 */
async function cashbackOfLines(em: EntityManager, partnerId: number, lines: RawLine[]): Promise<Map<number, number>> {
  const invoiceIds = [...new Set(lines.map((l) => Number(l.invoiceId)))];
  const rows = await rawQuery<{ lineId: number | string; total: number | string }>(
    em,
    `SELECT c.invoiceLineId AS lineId, SUM(c.amount) AS total FROM cashback_entry c
     WHERE c.partnerId = :partnerId AND c.invoiceId IN (:...invoiceIds) AND c.status <> :cancelled
     GROUP BY c.invoiceLineId`,
    { partnerId, invoiceIds, cancelled: CashbackStatus.CANCELLED },
  );
  return new Map(rows.map((r) => [Number(r.lineId), Number(r.total)]));
}

/** Client organization ids of `ids` that are not among the reachable relationships' clients. */
export function unreachableClients(ids: readonly number[], relationships: ClientRelationshipEntity[]): number[] {
  const reachable = new Set(relationships.map((r) => r.clientOrganizationId));
  return ids.filter((id) => !reachable.has(id));
}
