import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ObjectType, Field } from 'type-graphql';
import { isDatabaseUnavailable } from '../db/errors';
import { BusinessError, BusinessErrors } from './base-errors';

export * from './base-errors';

@ObjectType('UserError')
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, e.g. ["input", "amount"].' })
  field?: string[] | null;

  @Field()
  message: string;

  @Field({ description: 'Stable machine code, e.g. LAST_LEGAL_REPRESENTATIVE, AUTO_RENEW_TOO_LATE, PREPAID_LIMIT.' })
  code: string;

  static from(error: BusinessError): UserError {
    return Object.assign(new UserError(), { code: error.code, message: error.message, field: error.field ?? null });
  }
}

/**
 * Runs a mutation's service call and shapes its payload: a BusinessError (whose transaction was
 * rolled back) becomes `userErrors`; anything else propagates.
 */
export async function payload<P extends object>(work: () => Promise<P>): Promise<P & { userErrors: UserError[] }> {
  try {
    const result = await work();
    return { ...result, userErrors: [] };
  } catch (error) {
    if (error instanceof BusinessError) {
      const errors = error instanceof BusinessErrors ? error.errors : [error];
      return { userErrors: errors.map(UserError.from) } as unknown as P & { userErrors: UserError[] };
    }
    // The database went away: a clean, retryable SERVICE_UNAVAILABLE (503), whatever the driver threw.
    if (isDatabaseUnavailable(error)) throw new ServiceUnavailableError();
    throw error;
  }
}

const PASSED_THROUGH = new Set([
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'BAD_USER_INPUT',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

/** True for errors a client may see as they are; anything else is unexpected (logged, then masked). */
export function isExpectedError(error: unknown): boolean {
  const original = (error as GraphQLError)?.originalError ?? error;
  if (original instanceof BusinessError) return true;
  const code = (error as GraphQLError)?.extensions?.code as string | undefined;
  const isOwnGraphQLError = original instanceof GraphQLError || !(error as GraphQLError)?.originalError;
  return !!code && PASSED_THROUGH.has(code) && isOwnGraphQLError;
}

/**
 * The one error formatter: known codes pass, business errors thrown outside a payload become
 * BAD_USER_INPUT with their reason, and everything unexpected is masked (no stack, no SQL); the
 * logging plugin has already written it to the log with the request id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as GraphQLError)?.originalError ?? error;
  const { path, locations } = formatted;
  if (original instanceof BusinessError) {
    return {
      message: original.message,
      path,
      locations,
      extensions: { code: 'BAD_USER_INPUT', reason: original.code, field: original.field },
    };
  }
  if (isDatabaseUnavailable(error)) return serviceUnavailable(path, locations);
  if (isExpectedError(error)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal server error', path, locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
const UNAVAILABLE_MESSAGE = 'The service is temporarily unavailable: try again in a moment.';

/** The answer while the database cannot be reached: retryable, no internals (the HTTP status is 503). */
function serviceUnavailable(
  path: GraphQLFormattedError['path'],
  locations: GraphQLFormattedError['locations'],
): GraphQLFormattedError {
  return { message: UNAVAILABLE_MESSAGE, path, locations, extensions: { code: SERVICE_UNAVAILABLE } };
}

/** Thrown where no formatter runs (the request context, before execution): Apollo answers it 503. */
export class ServiceUnavailableError extends GraphQLError {
  constructor() {
    super(UNAVAILABLE_MESSAGE, { extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503 } } });
  }
}
