import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { registerNode } from '../../graphql/node-registry';
import { OrganizationType } from '../organizations/organization.types';
import { ProductNode } from './product.types';

registerNode('Product', (ctx, id) => ctx.services.products.findAccessible(ctx, id), ProductNode.from);

@Resolver(() => ProductNode)
export class ProductResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() product: ProductNode, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(product.organizationId))!);
  }
}
