import { GraphQLError } from 'graphql/error';

/*
 * The error classes, apart from the schema's types (errors.ts, which re-exports these): a module
 * that throws them does not load type-graphql and the whole of graphql, which the CLI's exports
 * never need (their start-up is measured: BENCHMARKS.md, "Billing export").
 */

/**
 * Codes of the input checks every module shares (common/validate.ts, global ids, pages). A module's
 * own codes live in its `<module>.errors.ts` enum; none redefines these.
 */
export enum CommonErrorCode {
  INVALID_INPUT = 'INVALID_INPUT',
  INVALID_ID = 'INVALID_ID',
  INVALID_CURSOR = 'INVALID_CURSOR',
  INVALID_PAGE_SIZE = 'INVALID_PAGE_SIZE',
  INVALID_EMAIL = 'INVALID_EMAIL',
  INVALID_COUNTRY = 'INVALID_COUNTRY',
  INVALID_URL = 'INVALID_URL',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  NOT_FOUND = 'NOT_FOUND',
}

/** An expected business-rule failure: reported in a payload's `userErrors` with a stable code. */
export class BusinessError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly field?: string[],
  ) {
    super(message);
  }
}

/** Several business-rule failures reported together (e.g. every unmet eligibility condition, each on its field). */
export class BusinessErrors extends BusinessError {
  constructor(public readonly errors: BusinessError[]) {
    super(errors[0]?.code ?? CommonErrorCode.INVALID_INPUT, errors.map((e) => e.message).join(' '), errors[0]?.field);
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = 'You are not allowed to do this.') {
    super(message, { extensions: { code: 'FORBIDDEN' } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'Authentication required: send Authorization: Bearer <token>.') {
    super(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}
