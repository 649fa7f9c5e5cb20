import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BusinessError, CommonErrorCode } from './errors';

@ObjectType('PageInfo')
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field() hasPreviousPage: boolean;
  @Field(() => String, { nullable: true }) startCursor: string | null;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export interface ConnectionShape<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /**
   * A lazy getter (see `lazyCount`): the COUNT runs only when a query selects `totalCount`, as the
   * field resolves. Read it as a promise.
   */
  totalCount: number | Promise<number>;
}

const registry = new Map<string, ClassType>();

/** Relay connection type `<Name>Connection` (with `<Name>Edge`) for an item type; one class per name. */
export function Connection<T extends object>(Item: ClassType<T>, name: string): ClassType<ConnectionShape<T>> {
  const existing = registry.get(name);
  if (existing) return existing as ClassType<ConnectionShape<T>>;

  @ObjectType(`${name}Edge`)
  class Edge {
    @Field() cursor: string;
    @Field(() => Item) node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [Edge]) edges: Edge[];
    @Field(() => PageInfo) pageInfo: PageInfo;
    @Field(() => Int) totalCount: number;
  }

  registry.set(name, ConnectionType);
  return ConnectionType;
}

/** The same connection with every node mapped (entity → API type); cursors and the (lazy) count unchanged. */
export function mapNodes<A, B>(connection: ConnectionShape<A>, toNode: (node: A) => B): ConnectionShape<B> {
  // Copies the descriptors, not the values: a spread would run the lazy count.
  const mapped = Object.defineProperties({}, Object.getOwnPropertyDescriptors(connection)) as ConnectionShape<B>;
  mapped.edges = connection.edges.map((edge) => ({ cursor: edge.cursor, node: toNode(edge.node) }));
  return mapped;
}

/**
 * Gives a connection a `totalCount` that runs `count` on first read only (GraphQL reads it when the
 * query selects it), at most once.
 */
export function lazyCount<T>(
  connection: Omit<ConnectionShape<T>, 'totalCount'>,
  count: () => Promise<number>,
): ConnectionShape<T> {
  let counted: Promise<number> | null = null;
  return Object.defineProperty(connection, 'totalCount', {
    enumerable: true,
    configurable: true,
    get: () => (counted ??= count()),
  }) as ConnectionShape<T>;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const encodeCursor = (key: number) => Buffer.from(`k:${key}`).toString('base64url');

export function decodeCursor(cursor: string): number {
  const match = /^k:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new BusinessError(CommonErrorCode.INVALID_CURSOR, 'The "after" cursor is not one this server issued.', [
      'after',
    ]);
  return Number(match[1]);
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BusinessError(CommonErrorCode.INVALID_PAGE_SIZE, `"first" must be between 0 and ${MAX_PAGE_SIZE}.`, [
      'first',
    ]);
  }
  return first;
}

/**
 * Keyset pagination over an integer key column (ascending, usually the primary key): never OFFSET.
 * `totalCount` counts the whole filtered list, not the page, and only when selected. For a list
 * nested under other objects (one query per parent otherwise) use the batched `ctx.loaders.connections`
 * (graphql/batched-connection.ts) instead.
 */
export async function paginate<E extends ObjectLiteral, T>(
  query: SelectQueryBuilder<E>,
  args: PageArgs,
  toNode: (entity: E) => T,
  keyColumn = `${query.alias}.id`,
): Promise<ConnectionShape<T>> {
  const first = pageSize(args.first);
  const page = query
    .clone()
    .orderBy(keyColumn, 'ASC')
    .limit(first + 1);
  if (args.after) page.andWhere(`${keyColumn} > :__after`, { __after: decodeCursor(args.after) });
  const counted = query.clone();
  const rows = first === 0 ? [] : await page.getMany();
  const visible = rows.slice(0, first);
  const keyProperty = keyColumn.split('.').pop() as string;
  const edges = visible.map((row) => ({
    cursor: encodeCursor(Number((row as Record<string, unknown>)[keyProperty])),
    node: toNode(row),
  }));
  return lazyCount({ edges, pageInfo: pageInfoOf(edges, rows.length > first, !!args.after) }, () => counted.getCount());
}

export function pageInfoOf(edges: Array<{ cursor: string }>, hasNextPage: boolean, hasPreviousPage: boolean): PageInfo {
  return Object.assign(new PageInfo(), {
    hasNextPage,
    hasPreviousPage,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  });
}

/** Pages an in-memory list already in key order (small, bounded lists). */
export function paginateArray<T>(items: T[], args: PageArgs, keyOf: (item: T) => number): ConnectionShape<T> {
  const first = pageSize(args.first);
  const after = args.after ? decodeCursor(args.after) : null;
  const rest = after === null ? items : items.filter((item) => keyOf(item) > after);
  const visible = rest.slice(0, first);
  const edges = visible.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    totalCount: items.length,
    pageInfo: Object.assign(new PageInfo(), {
      hasNextPage: rest.length > first,
      hasPreviousPage: after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    }),
  };
}
