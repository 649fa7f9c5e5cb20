import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { OrganizationType } from '../organizations/organization.types';
import { ProductConnection, ProductFilter, ProductNode } from './product.types';
import { mapNodes } from '../../graphql/connection';

@Resolver(() => OrganizationType)
export class OrganizationProductsFieldsResolver {
  @FieldResolver(() => ProductConnection)
  async products(
    @Root() org: OrganizationType,
    @Args() page: PageArgsInput,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const connection = await ctx.services.products.list(ctx, org.entityId, page, filter ?? {});
    return mapNodes(connection, ProductNode.from);
  }
}
