import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { hasLoneSurrogate } from '../common/validate';

/** Every string in `value`, NFC-normalised (arrays and input objects walked); other values as they are. */
function normalized(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(normalized);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normalized(item)]));
  return value;
}

/**
 * Text arrives as valid Unicode in one form, before anything runs: variables holding a lone
 * surrogate (JSON allows "\ud800"; it is no character and cannot be stored as UTF-8) are refused
 * with BAD_USER_INPUT, and every string variable is NFC-normalised. String literals in the document
 * cannot hold one (the GraphQL lexer refuses them); `common/validate.ts` normalises them where stored.
 */
export const unicodeInputPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request }) {
        if (!request.variables) return;
        if (hasLoneSurrogate(request.variables))
          throw new GraphQLError('Variables must be valid Unicode: a string holds a lone surrogate.', {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
          });
        request.variables = normalized(request.variables) as Record<string, unknown>;
      },
    };
  },
};
