import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Plain SQL where the query builder cannot go (UNION ALL, common table expressions): named
 * parameters, the few dialect differences, and values hydrated as TypeORM would.
 */

/** Runs plain SQL with named parameters (`:name`, `:...list`) through the driver: plain rows, no entity hydration. */
export function rawQuery<T>(em: EntityManager, sql: string, parameters: Record<string, unknown>): Promise<T[]> {
  const [query, values] = em.connection.driver.escapeQueryWithParameters(sql, parameters);
  return em.query<T[]>(query, values);
}

/**
 * A column value read raw (a UNION's or a derived table's row, which TypeORM does not hydrate) as
 * TypeORM would hydrate the entity's property: simple-json parsed from its text, booleans from 0/1,
 * datetimes into Dates, transformers applied; the driver's own conversion, so both dialects agree.
 */
export function hydratedValue<E extends ObjectLiteral>(
  em: EntityManager,
  entity: EntityTarget<E>,
  property: keyof E & string,
  value: unknown,
): unknown {
  const metadata = em.connection.getMetadata(entity);
  const column = metadata.findColumnWithPropertyName(property);
  if (!column) throw new Error(`${metadata.name} has no column ${property}`);
  return em.connection.driver.prepareHydratedValue(value, column);
}

/**
 * SQL for the datetime `column` plus the number of days in parameter `:days`, in the format the
 * dialect stores datetimes in (so it compares and orders with stored values and Date parameters).
 * SQLite keeps TypeORM's 'YYYY-MM-DD HH:MM:SS.SSS' text with `%f`.
 */
export function datetimePlusDays(em: EntityManager, column: string, days: string): string {
  return em.connection.options.type === 'better-sqlite3'
    ? `strftime('%Y-%m-%d %H:%M:%f', ${column}, '+' || :${days} || ' days')`
    : `(${column} + INTERVAL :${days} DAY)`;
}
