import { GraphQLError } from 'graphql';
import { BusinessError, ForbiddenError, formatError, isExpectedError, UnauthenticatedError } from './errors';

/** What Apollo hands the formatter for an error thrown in a resolver: a GraphQLError wrapping the original. */
function thrownInResolver(original: Error): GraphQLError {
  return new GraphQLError(original.message, {
    originalError: original,
    path: ['viewer'],
    extensions: original instanceof GraphQLError ? original.extensions : { code: 'INTERNAL_SERVER_ERROR' },
  });
}

describe('formatError', () => {
  it.each([
    [
      'a database failure',
      new Error('SQLITE_ERROR: no such table: user'),
      'INTERNAL_SERVER_ERROR',
      'Internal server error',
    ],
    [
      'a TypeError',
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      'INTERNAL_SERVER_ERROR',
      'Internal server error',
    ],
    ['FORBIDDEN', new ForbiddenError(), 'FORBIDDEN', 'You are not allowed to do this.'],
    [
      'UNAUTHENTICATED',
      new UnauthenticatedError('This token was revoked.'),
      'UNAUTHENTICATED',
      'This token was revoked.',
    ],
    [
      'a business error outside a payload',
      new BusinessError('INVALID_CURSOR', 'The "after" cursor is not one this server issued.'),
      'BAD_USER_INPUT',
      'The "after" cursor is not one this server issued.',
    ],
  ])('%s → %s', (_label, original, code, message) => {
    const error = thrownInResolver(original);
    const formatted = formatError(
      { message: error.message, path: ['viewer'], extensions: { ...error.extensions, stacktrace: ['at secret.ts:1'] } },
      error,
    );
    expect(formatted.message).toBe(message);
    expect(formatted.extensions?.code).toBe(code);
    expect(JSON.stringify(formatted)).not.toMatch(/stacktrace|SQLITE|secret\.ts|properties of undefined/);
  });

  it('keeps the reason and field of a business error', () => {
    const error = thrownInResolver(
      new BusinessError('INVALID_PAGE_SIZE', '"first" must be between 0 and 100.', ['first']),
    );
    expect(formatError({ message: error.message }, error).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_PAGE_SIZE',
      field: ['first'],
    });
  });

  it('passes request-level errors (validation, parse) as they are, without a stack', () => {
    const error = new GraphQLError('Cannot query field "nope" on type "Query".', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    const formatted = formatError(
      { message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['x'] } },
      error,
    );
    expect(formatted).toEqual({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(isExpectedError(error)).toBe(true);
  });

  it('an internal error that merely claims an expected code is still masked', () => {
    const sneaky = Object.assign(new Error('ER_NO_SUCH_TABLE: Table test.user'), { extensions: { code: 'FORBIDDEN' } });
    const error = new GraphQLError(sneaky.message, { originalError: sneaky, extensions: { code: 'FORBIDDEN' } });
    expect(formatError({ message: error.message, extensions: { code: 'FORBIDDEN' } }, error).message).toBe(
      'Internal server error',
    );
  });
});
