import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function stringLiteral(ast: ValueNode, name: string): string {
  if (ast.kind !== Kind.STRING) throw badInput(`${name} must be a string`);
  return ast.value;
}

function parseDateTime(value: unknown): Date {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  ) {
    throw badInput(
      `DateTime must be an ISO-8601 string with a time zone, e.g. 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`,
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`Invalid DateTime ${value}`);
  return date;
}

/** ISO-8601 instant in UTC, e.g. 2026-01-31T12:00:00.000Z. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO-8601 in UTC (e.g. 2026-01-31T12:00:00.000Z).',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new Error('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(stringLiteral(ast, 'DateTime')),
});

function parseDate(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`))
  ) {
    throw badInput(`Date must be YYYY-MM-DD; got ${JSON.stringify(value)}`);
  }
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
    throw badInput(`Date ${value} does not exist`);
  return value;
}

/** A calendar date, YYYY-MM-DD (kept as a string end to end). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(stringLiteral(ast, 'Date')),
});

function parseDecimal(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string' || !/^-?\d{1,15}(\.\d{1,15})?$/.test(value)) {
    throw badInput(`Decimal must be a decimal string such as "1234.50"; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An exact decimal as a string ("1234.50"); money and rates never travel as floats. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "1234.50".',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    return parseDecimal(stringLiteral(ast, 'Decimal'));
  },
});
