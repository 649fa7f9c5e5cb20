import { GraphQLSchema } from 'graphql';
import { buildSchema, NonEmptyArray } from 'type-graphql';
import { AccountResolver } from '../modules/accounts/account.resolver';
import { ApiTokenResolver } from '../modules/api-tokens/api-token.resolver';
import { AuditEventResolver } from '../modules/audit/audit.resolver';
import { MembershipFieldsResolver } from '../modules/organizations/membership.resolver';
import { OrganizationResolver } from '../modules/organizations/organization.resolver';
import { OrganizationProductsResolver, ProductResolver } from '../modules/products/product.resolver';
import { NodeResolver } from './node.resolver';

/** Every resolver class of every module. */
export const RESOLVERS: NonEmptyArray<Function> = [
  NodeResolver,
  AccountResolver,
  ApiTokenResolver,
  OrganizationResolver,
  MembershipFieldsResolver,
  AuditEventResolver,
  ProductResolver,
  OrganizationProductsResolver,
];

/** The executable schema, without authorization (see permissions/). */
export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: RESOLVERS, validate: false, emitSchemaFile: false });
}
