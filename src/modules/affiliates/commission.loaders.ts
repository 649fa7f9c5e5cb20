import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../context';
import { ConnectionShape, decodeCursor, encodeCursor, PageInfo, pageSize } from '../../graphql/connection';
import { CommissionEntity, CommissionStatus } from './commission.entity';

/*
 * Affiliate.commissions and Affiliate.totals for every affiliate of a response in one statement per
 * level (per distinct page arguments): a window function takes the first page of each affiliate.
 */

export interface CommissionPage {
  first?: number | null;
  after?: string | null;
  status?: CommissionStatus | null;
}

export type CommissionTotals = Record<CommissionStatus, number>;

interface PageKey {
  affiliateId: number;
  first: number;
  after: number | null;
  status: CommissionStatus | null;
}

const pageLoaders = new WeakMap<object, DataLoader<PageKey, ConnectionShape<CommissionEntity>, string>>();
const totalsLoaders = new WeakMap<object, DataLoader<number, CommissionTotals>>();

/** The affiliate's commissions, oldest first (keyset on the id), optionally of one status; batched per request. */
export function commissionPage(
  ctx: RequestContext,
  affiliateId: number,
  page: CommissionPage,
): Promise<ConnectionShape<CommissionEntity>> {
  const key: PageKey = {
    affiliateId,
    first: pageSize(page.first),
    after: page.after ? decodeCursor(page.after) : null,
    status: page.status ?? null,
  };
  let loader = pageLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader((keys) => loadPages(ctx, keys), {
      cacheKeyFn: (k) => `${k.affiliateId}|${k.first}|${k.after ?? ''}|${k.status ?? ''}`,
    });
    pageLoaders.set(ctx.loaders, loader);
  }
  return loader.load(key);
}

/** Sum of the affiliate's commissions per status (minor units, signed); batched per request. */
export function commissionTotals(ctx: RequestContext, affiliateId: number): Promise<CommissionTotals> {
  let loader = totalsLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader((ids) => loadTotals(ctx, ids));
    totalsLoaders.set(ctx.loaders, loader);
  }
  return loader.load(affiliateId);
}

async function loadPages(
  ctx: RequestContext,
  keys: readonly PageKey[],
): Promise<Array<ConnectionShape<CommissionEntity>>> {
  const groups = new Map<string, PageKey[]>();
  for (const key of keys) {
    const group = `${key.first}|${key.after ?? ''}|${key.status ?? ''}`;
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const results = new Map<PageKey, ConnectionShape<CommissionEntity>>();
  for (const group of groups.values()) {
    const { first, after, status } = group[0];
    const ids = [...new Set(group.map((k) => k.affiliateId))];
    const [rows, counts] = await Promise.all([
      firstRows(ctx, ids, first + 1, after, status),
      countRows(ctx, ids, status),
    ]);
    for (const key of group) {
      const mine = rows.filter((r) => r.affiliateId === key.affiliateId);
      const edges = mine.slice(0, first).map((node) => ({ cursor: encodeCursor(node.id), node }));
      results.set(key, {
        edges,
        totalCount: counts.get(key.affiliateId) ?? 0,
        pageInfo: Object.assign(new PageInfo(), {
          hasNextPage: mine.length > first,
          hasPreviousPage: after !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges[edges.length - 1]?.cursor ?? null,
        }),
      });
    }
  }
  return keys.map((key) => results.get(key) as ConnectionShape<CommissionEntity>);
}

/** Up to `limit` commissions of each affiliate after `after`, by id: one ranked statement, then the rows. */
async function firstRows(
  ctx: RequestContext,
  affiliateIds: number[],
  limit: number,
  after: number | null,
  status: CommissionStatus | null,
): Promise<CommissionEntity[]> {
  if (limit <= 1) return [];
  const params: unknown[] = [...affiliateIds];
  let where = `affiliateId IN (${affiliateIds.map(() => '?').join(', ')})`;
  if (status) {
    where += ' AND status = ?';
    params.push(status);
  }
  if (after !== null) {
    where += ' AND id > ?';
    params.push(after);
  }
  const ranked: Array<{ id: number | string }> = await ctx.em.query(
    `SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY affiliateId ORDER BY id) AS rn
       FROM affiliate_commission WHERE ${where}) ranked WHERE rn <= ?`,
    [...params, limit],
  );
  if (ranked.length === 0) return [];
  return ctx.em.find(CommissionEntity, { where: { id: In(ranked.map((r) => Number(r.id))) }, order: { id: 'ASC' } });
}

async function countRows(
  ctx: RequestContext,
  affiliateIds: number[],
  status: CommissionStatus | null,
): Promise<Map<number, number>> {
  const query = ctx.em
    .createQueryBuilder(CommissionEntity, 'c')
    .select('c.affiliateId', 'affiliateId')
    .addSelect('COUNT(*)', 'n')
    .where('c.affiliateId IN (:...affiliateIds)', { affiliateIds })
    .groupBy('c.affiliateId');
  if (status) query.andWhere('c.status = :status', { status });
  const rows = await query.getRawMany<{ affiliateId: number; n: number | string }>();
  return new Map(rows.map((r) => [Number(r.affiliateId), Number(r.n)]));
}

async function loadTotals(ctx: RequestContext, affiliateIds: readonly number[]): Promise<CommissionTotals[]> {
  const rows = await ctx.em
    .createQueryBuilder(CommissionEntity, 'c')
    .select('c.affiliateId', 'affiliateId')
    .addSelect('c.status', 'status')
    .addSelect('SUM(c.amount)', 'total')
    .where('c.affiliateId IN (:...affiliateIds)', { affiliateIds: [...affiliateIds] })
    .groupBy('c.affiliateId')
    .addGroupBy('c.status')
    .getRawMany<{ affiliateId: number; status: CommissionStatus; total: string | number }>();
  return affiliateIds.map((id) => {
    const totals: CommissionTotals = { PENDING: 0, APPROVED: 0, PAID: 0, REJECTED: 0 };
    for (const row of rows.filter((r) => Number(r.affiliateId) === id)) totals[row.status] = Number(row.total);
    return totals;
  });
}
