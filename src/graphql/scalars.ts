import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

// A bad scalar is the client's mistake: HTTP 400, as for any other invalid variable.
const badInput = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

function stringLiteral(ast: ValueNode, name: string): string {
  if (ast.kind !== Kind.STRING) throw badInput(`${name} must be a string`);
  return ast.value;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** True when year-month-day is a day of the calendar (no 30 February, no month 13). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * An ISO-8601 date-time with an offset, every part in range: JavaScript's Date would roll
 * 2027-02-30 over into March and 24:00 into the next day; here they are refused.
 */
function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? DATE_TIME.exec(value) : null;
  if (!match) {
    throw badInput(
      `DateTime must be an ISO-8601 string with a time zone, e.g. 2026-01-31T12:00:00Z; got ${JSON.stringify(value)}`,
    );
  }
  const [, year, month, day, hour, minute, second = '0', , , , offsetHours = '0', offsetMinutes = '0'] = match;
  const inRange =
    isCalendarDay(Number(year), Number(month), Number(day)) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHours) <= 23 &&
    Number(offsetMinutes) <= 59;
  const date = new Date(value as string);
  if (!inRange || Number.isNaN(date.getTime())) throw badInput(`DateTime ${value as string} does not exist`);
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
