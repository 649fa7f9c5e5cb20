import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { OrganizationType } from '../organizations/organization.types';
import { OrderStatus } from './order.entity';
import { OrderConnection, OrderType } from './order.types';
import { mapNodes } from '../../graphql/connection';

@Resolver(() => OrganizationType)
export class OrganizationOrdersFieldsResolver {
  @FieldResolver(() => OrderConnection)
  async orders(
    @Root() org: OrganizationType,
    @Args() page: PageArgsInput,
    @Arg('status', () => OrderStatus, { nullable: true }) status: OrderStatus | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const connection = await ctx.services.orders.list(ctx, org.entityId, page, status);
    return mapNodes(connection, OrderType.from);
  }
}
