import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  DocumentNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLSchema,
  isLeafType,
  isListType,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection';

/**
 * Limits every operation must stay within, checked after parsing and before execution, so a query
 * over a limit is refused in milliseconds and no resolver (nor the database) ever sees it.
 */
export interface QueryLimits {
  /** Deepest field nesting (fragments count as the fields they contain). */
  maxDepth: number;
  /** Aliased fields per operation: ten aliased `logIn`s in one request are ten attempts. */
  maxAliases: number;
  /** Directives per operation. */
  maxDirectives: number;
  /** Lexical tokens per document, checked while parsing (graphql-js `maxTokens`). */
  maxTokens: number;
  /** Estimated cost per operation (see `queryCost`). */
  maxCost: number;
}

/** A plain list without paging (Team.members, Invoice.lines, ...) is costed as if it held this many items. */
export const UNPAGED_LIST_SIZE = 10;

/** Every limit is reported the same way: a validation error (HTTP 400, code GRAPHQL_VALIDATION_FAILED). */
const limitError = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });

/** graphql-armor's rules, reporting into the validation result rather than throwing out of it. */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const report = (context: ValidationContext | null, error: GraphQLError) =>
    context?.reportError(limitError(error.message.replace(/^Syntax Error: /, '')));
  const common = { exposeLimits: true, propagateOnRejection: false, onReject: [report] };
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true }),
    maxAliasesRule({ ...common, n: limits.maxAliases }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives }),
  ];
}

/**
 * The cost of a selection, in the manner of public GraphQL APIs (Shopify, GitHub): a scalar or enum
 * costs 0, an object 1 plus its selection, a connection (a field with `first`/`last`) 2 plus its page
 * size × its selection (page size: `first` or `last`, else the default 20), a plain list of objects
 * UNPAGED_LIST_SIZE objects; introspection costs nothing. Page sizes above MAX_PAGE_SIZE
 * (or negative) are collected in `badPages`.
 */
function costEstimator(badPages: string[]): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    if (field.name.startsWith('__')) return 0;
    if (isLeafType(getNamedType(field.type))) return 0;
    if (field.args.some((a) => a.name === 'first' || a.name === 'last')) {
      const requested = (args.first ?? args.last ?? DEFAULT_PAGE_SIZE) as number;
      if (requested < 0 || requested > MAX_PAGE_SIZE) {
        badPages.push(`${type.name}.${field.name}(${args.first !== undefined ? 'first' : 'last'}: ${requested})`);
        return 0;
      }
      return 2 + requested * childComplexity;
    }
    const pagedHere = type.name.endsWith('Connection');
    if (isListType(getNullableType(field.type)) && !pagedHere) return UNPAGED_LIST_SIZE * (1 + childComplexity);
    return 1 + childComplexity;
  };
}

/** The estimated cost of one operation with its variables; throws the limit error for an oversized page. */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number {
  const badPages: string[] = [];
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables,
      operationName,
      estimators: [costEstimator(badPages)],
    });
  } catch (error) {
    // Variables that do not fit their types: execution refuses them before any resolver runs, with
    // the usual BAD_USER_INPUT answer, so there is nothing to cost.
    if (error instanceof GraphQLError) return 0;
    throw error;
  }
  if (badPages.length)
    throw limitError(`"first" and "last" must be between 0 and ${MAX_PAGE_SIZE}; got ${badPages.join(', ')}.`);
  return cost;
}

/** Refuses an operation whose cost (with its variables) exceeds `maxCost`, before it executes. */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const cost = queryCost(schema, document, request.variables ?? {}, operationName ?? undefined);
          if (cost > maxCost)
            throw limitError(
              `Query cost limit of ${maxCost} exceeded, found ${cost}: ask for smaller pages ("first") or fewer nested lists.`,
            );
        },
      };
    },
  };
}
