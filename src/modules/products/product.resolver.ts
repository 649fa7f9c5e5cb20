import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { OrganizationType } from '../organizations/organization.types';
import { ProductConnection, ProductFilter, ProductNode } from './product.types';
import { mapNodes } from '../../graphql/connection';

registerNode('Product', (ctx, id) => ctx.services.products.findAccessible(ctx, id), ProductNode.from);

@Resolver(() => ProductNode)
export class ProductResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() product: ProductNode, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(product.organizationId))!);
  }
}

@Resolver(() => OrganizationType)
export class OrganizationProductsResolver {
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
