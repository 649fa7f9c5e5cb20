import { Column, ColumnOptions, CreateDateColumn, ValueTransformer } from 'typeorm';

/**
 * Portable column helpers: only types both SQLite and MySQL/MariaDB store the same way.
 * Dialect differences (bigint as string on mysql2, datetime precision) are absorbed here.
 */

/** bigint comes back as a string from mysql2 and a number from better-sqlite3; money must stay an exact safe integer. */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => {
    if (value === null || value === undefined) return value;
    if (!Number.isSafeInteger(value)) throw new Error(`Not a safe integer amount: ${value}`);
    return value;
  },
  from: (value: string | number | null) => {
    if (value === null || value === undefined) return value;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`Stored amount is not a safe integer: ${value}`);
    return n;
  },
};

/** Money in integer minor units (centimes/cents), DESIGN R20. */
export function MoneyColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'bigint', transformer: bigintTransformer, ...options });
}

/** A UTC datetime (second precision on MySQL, see STACK-NOTES: no precision argument to avoid migration drift). */
export function DateTimeColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'datetime', ...options });
}

/** Creation time set by the application so both dialects agree (SQLite's CURRENT_TIMESTAMP is coarse). */
export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ type: 'datetime' });
}

/** A closed set of string values stored as varchar (portable, readable in SQL). */
export function EnumColumn(values: object, options: ColumnOptions = {}): PropertyDecorator {
  const longest = Math.max(...Object.values(values).map((v) => String(v).length));
  return Column({ type: 'varchar', length: Math.max(16, longest + 8), ...options });
}

/** Foreign key id columns: int, matching the `increment` primary keys. */
export function IdColumn(options: ColumnOptions = {}): PropertyDecorator {
  return Column({ type: 'int', ...options });
}
