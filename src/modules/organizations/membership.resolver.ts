import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserType } from '../accounts/account.types';
import { ProductNode } from '../products/product.types';
import { MembershipType, OrganizationType } from './organization.types';

@Resolver(() => MembershipType)
export class MembershipFieldsResolver {
  @FieldResolver(() => UserType)
  async user(@Root() m: MembershipType, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return UserType.from((await ctx.loaders.user.load(m.userId))!);
  }

  @FieldResolver(() => OrganizationType)
  async organization(@Root() m: MembershipType, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from((await ctx.loaders.organization.load(m.organizationId))!);
  }

  @FieldResolver(() => [ProductNode], {
    description: 'For role USER: the products it may reach. Empty for other roles (they reach all).',
  })
  async products(@Root() m: MembershipType, @Ctx() ctx: GraphQLContext): Promise<ProductNode[]> {
    return (await ctx.services.products.loadAccessible(ctx, m.productIds)).map(ProductNode.from);
  }
}
