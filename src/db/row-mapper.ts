import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Entities from raw rows without TypeORM's generic hydration (RawSqlResultsToEntityTransformer). On the
 * hot lists (pages of products, invoices, lines, by-id loaders) that hydration cost about a quarter of
 * the server's CPU: for every column of every row it rebuilds the column's alias, looks the column up
 * in the query's selections and groups rows by primary key. Here the columns and their aliases are
 * computed once per entity; each value still goes through the driver's `prepareHydratedValue` (dates
 * on both dialects, booleans, simple-json, column transformers such as money's bigint), so the
 * entities are the ones `getMany()` gives.
 *
 * Plain entities only (no embedded columns, no table inheritance): every one of ours.
 */
export class RowMapper<E extends ObjectLiteral> {
  private readonly fields: ReadonlyArray<{ alias: string; column: ColumnMetadata }>;
  private readonly primaryAliases: readonly string[];

  constructor(
    private readonly metadata: EntityMetadata,
    prefix: string,
  ) {
    if (metadata.embeddeds.length || metadata.discriminatorColumn)
      throw new Error(`RowMapper: ${metadata.name} has embedded columns or inheritance`);
    this.fields = metadata.columns
      .filter((column) => !column.isVirtual)
      .map((column, i) => ({ alias: `${prefix}${i}`, column }));
    this.primaryAliases = this.fields.filter((f) => f.column.isPrimary).map((f) => f.alias);
  }

  /** The select list: every column of the entity under the table alias `table`, each under its own alias. */
  selection(table: string): string {
    const { driver } = this.metadata.connection;
    return this.fields
      .map(
        ({ alias, column }) =>
          `${driver.escape(table)}.${driver.escape(column.databaseName)} AS ${driver.escape(alias)}`,
      )
      .join(', ');
  }

  /** The entity of a row selected with `selection`; null when its primary key is null (an outer join found none). */
  read(row: Record<string, unknown>): E | null {
    if (this.primaryAliases.some((alias) => row[alias] === null || row[alias] === undefined)) return null;
    const { driver } = this.metadata.connection;
    const entity = this.metadata.create(undefined, { fromDeserializer: true }) as Record<string, unknown>;
    for (const { alias, column } of this.fields)
      entity[column.propertyName] = driver.prepareHydratedValue(row[alias], column);
    return entity as E;
  }
}

const mappers = new WeakMap<EntityMetadata, Map<string, RowMapper<ObjectLiteral>>>();

/**
 * The mapper of an entity whose columns a statement selects under aliases `<prefix>0`, `<prefix>1`, …
 * (one per entity and prefix, built on first use). Two entities in one statement need two prefixes.
 */
export function rowMapper<E extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<E> | EntityMetadata,
  prefix = 'c',
): RowMapper<E> {
  const metadata = entity instanceof EntityMetadata ? entity : em.connection.getMetadata(entity);
  let byPrefix = mappers.get(metadata);
  if (!byPrefix) mappers.set(metadata, (byPrefix = new Map<string, RowMapper<ObjectLiteral>>()));
  let mapper = byPrefix.get(prefix);
  if (!mapper) byPrefix.set(prefix, (mapper = new RowMapper(metadata, prefix)));
  return mapper as RowMapper<E>;
}

/** Runs a query builder's statement through `em` (its transaction, if any) and returns the raw rows. */
export function rawRows(
  em: EntityManager,
  query: SelectQueryBuilder<ObjectLiteral>,
): Promise<Record<string, unknown>[]> {
  const [sql, parameters] = query.getQueryAndParameters();
  return em.query(sql, parameters);
}

/**
 * `query.getMany()` for the hot lists: the statement selects the columns of the query's entity (its main
 * alias) and the rows become entities through the entity's RowMapper. `query` selects nothing itself.
 */
export async function findEntities<E extends ObjectLiteral>(
  em: EntityManager,
  query: SelectQueryBuilder<E>,
): Promise<E[]> {
  const mapper = rowMapper<E>(em, query.expressionMap.mainAlias!.metadata);
  const rows = await rawRows(em, query.select(mapper.selection(query.alias)));
  return rows.map((row) => mapper.read(row) as E);
}
