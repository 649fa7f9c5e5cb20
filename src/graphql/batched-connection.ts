import DataLoader from 'dataloader';
import { EntityManager, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { rawRows, rowMapper } from '../db/row-mapper';
import { ConnectionShape, decodeCursor, encodeCursor, lazyCount, PageArgs, pageInfoOf, pageSize } from './connection';

/**
 * Connections nested under other objects, batched across parents: whatever the number of parents
 * (50 organizations, each with `products(first: 10)`), ONE statement loads every parent's page and
 * its `totalCount`. Only a page after a cursor counts in a second statement (one for all parents),
 * and only when the query selects `totalCount`. Use it for every to-many connection field below the
 * root (`Organization.products`, `Partner.clients`, ...); a root-level list with a single parent may
 * keep `paginate()`.
 *
 * The page is keyset-paginated per parent with window functions, which SQLite ≥ 3.25 and
 * MariaDB ≥ 10.2 / MySQL 8 both run:
 *
 *   SELECT p_page.…, r.n FROM product p_page INNER JOIN (
 *     SELECT p.id AS k, ROW_NUMBER() OVER (PARTITION BY p.organizationId ORDER BY p.id) AS rn,
 *            COUNT(*) OVER (PARTITION BY p.organizationId) AS n
 *     FROM product p WHERE p.organizationId IN (…) AND <filters> AND p.id > <after>) r ON r.k = p_page.id
 *   WHERE r.rn <= first + 1
 *   ORDER BY p_page.organizationId, p_page.id
 *
 * and the counts after a cursor are one `GROUP BY` parent. Authorization stays where it is: the service checks the
 * viewer's access to each parent first (the access scope is batched too) and passes, per parent,
 * the keys the viewer may reach there (`only`), which become `(parent = ? AND key IN (…))` clauses
 * of the same statement.
 *
 * Usage, in a service (see ProductService.list):
 *
 *   const access = await ctx.access.require(organizationId, 'read');
 *   return ctx.loaders.connections.load(
 *     {
 *       name: `Organization.products:${filter.type ?? ''}`,   // same name ⇒ same `where`: they batch together
 *       entity: ProductEntity,
 *       alias: 'p',
 *       parent: 'organizationId',
 *       where: (q) => { if (filter.type) q.andWhere('p.type = :type', { type: filter.type }); },
 *     },
 *     { parentId: organizationId, page, only: access.products === 'ALL' ? null : [...access.products] },
 *   );
 *
 * `where` must use `andWhere` and parameter names not starting with `__`.
 */
export interface BatchedListSpec<E extends ObjectLiteral> {
  /**
   * Which list with which shared conditions: loads with the same name batch together, so it must
   * encode everything `where` depends on (the filter), e.g. `Organization.invoices:${JSON.stringify(filter)}`.
   */
  name: string;
  entity: EntityTarget<E>;
  /** The alias `where` refers to. */
  alias: string;
  /** The property holding the parent's id, e.g. `organizationId`. */
  parent: keyof E & string;
  /** Integer key: the order (ascending) and the cursor. Default `id`. */
  key?: keyof E & string;
  /** Conditions shared by every parent of the batch (`andWhere` only). */
  where?: (query: SelectQueryBuilder<E>) => void;
  /** A to-one relation loaded in the same statement, e.g. to prime a loader with it. */
  with?: WithRelated<E>;
}

export interface WithRelated<E extends ObjectLiteral> {
  /** The relation's property, e.g. `client`. */
  relation: keyof E & string;
  /** Called with each row's related entity (not for rows without one). */
  loaded: (related: ObjectLiteral) => void;
}

export interface ParentPage {
  parentId: number;
  page: PageArgs;
  /** Only these keys under this parent (what the viewer reaches there); null or absent: all of them. */
  only?: readonly number[] | null;
}

type Request = Pick<ParentPage, 'parentId' | 'only'>;

/** One parent's rows (up to `first + 1`) and how many the whole list (after the cursor, if any) has. */
interface Page<E> {
  rows: E[];
  total: number;
}

const requestKey = (r: Request) =>
  r.only ? `${r.parentId}:${[...r.only].sort((a, b) => a - b).join(',')}` : `${r.parentId}`;

/** Per request (createLoaders): the page and count loaders of every list, by name and page arguments. */
export class ConnectionLoader {
  private readonly pages = new Map<string, DataLoader<Request, Page<ObjectLiteral>, string>>();
  private readonly counts = new Map<string, DataLoader<Request, number, string>>();

  constructor(private readonly em: EntityManager) {}

  /** One parent's page of the list; batched with every other parent asked for in the same tick. */
  async load<E extends ObjectLiteral>(spec: BatchedListSpec<E>, request: ParentPage): Promise<ConnectionShape<E>> {
    const first = pageSize(request.page.first);
    const after = request.page.after ? decodeCursor(request.page.after) : null;
    const key = spec.key ?? 'id';
    const page = first === 0 ? null : ((await this.pageLoader(spec, first, after).load(request)) as Page<E>);
    const rows = page?.rows ?? [];
    const edges = rows.slice(0, first).map((row) => ({ cursor: encodeCursor(Number(row[key])), node: row }));
    // Without a cursor the page's statement counted the list too; after one it counted only the rest.
    const total = page && after === null ? page.total : null;
    return lazyCount({ edges, pageInfo: pageInfoOf(edges, rows.length > first, after !== null) }, () =>
      total === null ? this.countLoader(spec).load(request) : Promise.resolve(total),
    );
  }

  private pageLoader<E extends ObjectLiteral>(spec: BatchedListSpec<E>, first: number, after: number | null) {
    const name = `${spec.name}|${first}|${after ?? ''}`;
    let loader = this.pages.get(name);
    if (!loader) {
      loader = new DataLoader((requests) => this.loadPages(spec, requests, first, after), { cacheKeyFn: requestKey });
      this.pages.set(name, loader);
    }
    return loader;
  }

  private countLoader<E extends ObjectLiteral>(spec: BatchedListSpec<E>) {
    let loader = this.counts.get(spec.name);
    if (!loader) {
      loader = new DataLoader((requests) => this.loadCounts(spec, requests), { cacheKeyFn: requestKey });
      this.counts.set(spec.name, loader);
    }
    return loader;
  }

  private columns<E extends ObjectLiteral>(spec: BatchedListSpec<E>) {
    const metadata = this.em.connection.getMetadata(spec.entity);
    const escape = (name: string) => this.em.connection.driver.escape(name);
    const column = (property: string) => {
      const found = metadata.findColumnWithPropertyName(property);
      if (!found) throw new Error(`${metadata.name} has no column ${property}`);
      return `${escape(spec.alias)}.${escape(found.databaseName)}`;
    };
    return { escape, parent: column(spec.parent), key: column(spec.key ?? 'id') };
  }

  /** The list of every requested parent, each restricted to its `only` keys, plus the shared conditions. */
  private listQuery<E extends ObjectLiteral>(spec: BatchedListSpec<E>, requests: readonly Request[]) {
    const { parent, key } = this.columns(spec);
    const query = this.em.createQueryBuilder(spec.entity, spec.alias);
    const clauses: string[] = [];
    const parameters: Record<string, unknown> = {};
    const free = requests.filter((r) => !r.only).map((r) => r.parentId);
    if (free.length) {
      clauses.push(`${parent} IN (:...__parents)`);
      parameters.__parents = free;
    }
    requests
      .filter((r) => r.only)
      .forEach((r, i) => {
        clauses.push(`(${parent} = :__parent${i} AND ${key} IN (:...__only${i}))`);
        parameters[`__parent${i}`] = r.parentId;
        parameters[`__only${i}`] = [0, ...(r.only as number[])];
      });
    query.where(`(${clauses.join(' OR ')})`, parameters);
    spec.where?.(query);
    return query;
  }

  private async loadPages<E extends ObjectLiteral>(
    spec: BatchedListSpec<E>,
    requests: readonly Request[],
    first: number,
    after: number | null,
  ): Promise<Page<E>[]> {
    const { escape, parent, key } = this.columns(spec);
    // The count runs over the same filtered rows as the numbering: without a cursor it is the list's total.
    const inner = this.listQuery(spec, requests)
      .select(key, '__k')
      .addSelect(`ROW_NUMBER() OVER (PARTITION BY ${parent} ORDER BY ${key})`, '__rn')
      .addSelect(`COUNT(*) OVER (PARTITION BY ${parent})`, '__n');
    if (after !== null) inner.andWhere(`${key} > :__after`, { __after: after });
    const outer = `${spec.alias}_page`;
    const ranked = escape('__ranked');
    const mapper = rowMapper<E>(this.em, spec.entity);
    const query = this.em
      .createQueryBuilder(spec.entity, outer)
      .select(mapper.selection(outer))
      .addSelect(`${ranked}.${escape('__n')}`, '__n')
      .innerJoin(`(${inner.getQuery()})`, '__ranked', `${ranked}.${escape('__k')} = ${outer}.${spec.key ?? 'id'}`)
      .where(`${ranked}.${escape('__rn')} <= :__limit`)
      .setParameters({ ...inner.getParameters(), __limit: first + 1 })
      .orderBy(`${outer}.${spec.parent}`, 'ASC')
      .addOrderBy(`${outer}.${spec.key ?? 'id'}`, 'ASC');
    const related = spec.with && this.withRelated(spec.with, query, outer);
    const rows = await rawRows(this.em, query);
    const byParent = new Map<number, Page<E>>();
    for (const raw of rows) {
      const row = mapper.read(raw) as E;
      related?.(raw);
      const id = Number(row[spec.parent]);
      const page = byParent.get(id);
      if (page) page.rows.push(row);
      else byParent.set(id, { rows: [row], total: Number(raw.__n) });
    }
    return requests.map((r) => byParent.get(r.parentId) ?? { rows: [], total: 0 });
  }

  /**
   * Joins `with.relation` (a to-one relation, LEFT JOIN: rows without one stay) to the page's statement and
   * returns what hands each row's related entity to `with.loaded`.
   */
  private withRelated<E extends ObjectLiteral>(
    spec: WithRelated<E>,
    query: SelectQueryBuilder<E>,
    outer: string,
  ): (row: Record<string, unknown>) => void {
    const relation = this.em.connection
      .getMetadata(query.expressionMap.mainAlias!.target)
      .findRelationWithPropertyPath(spec.relation);
    const join = relation?.joinColumns[0];
    if (!relation || !join || relation.joinColumns.length > 1 || !(relation.isManyToOne || relation.isOneToOneOwner))
      throw new Error(`${spec.relation} is not a to-one relation with one join column`);
    const mapper = rowMapper(this.em, relation.inverseEntityMetadata, 'w');
    const escape = (name: string) => this.em.connection.driver.escape(name);
    const target = escape('__with');
    query
      .addSelect(mapper.selection('__with'))
      .leftJoin(
        relation.inverseEntityMetadata.target,
        '__with',
        `${target}.${escape(join.referencedColumn!.databaseName)} = ${escape(outer)}.${escape(join.databaseName)}`,
      );
    return (row) => {
      const entity = mapper.read(row);
      if (entity) spec.loaded(entity);
    };
  }

  private async loadCounts<E extends ObjectLiteral>(
    spec: BatchedListSpec<E>,
    requests: readonly Request[],
  ): Promise<number[]> {
    const { parent } = this.columns(spec);
    const rows: Array<{ parentId: string | number; n: string | number }> = await this.listQuery(spec, requests)
      .select(parent, 'parentId')
      .addSelect('COUNT(*)', 'n')
      .groupBy(parent)
      .getRawMany();
    const byParent = new Map(rows.map((row) => [Number(row.parentId), Number(row.n)]));
    return requests.map((r) => byParent.get(r.parentId) ?? 0);
  }
}
