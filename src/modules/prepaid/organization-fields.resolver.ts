import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrganizationType } from '../organizations/organization.types';
import { PrepaidAccountType } from './prepaid.types';

@Resolver(() => OrganizationType)
export class OrganizationPrepaidFieldsResolver {
  @FieldResolver(() => PrepaidAccountType, {
    nullable: true,
    description: 'Needs billing rights (FORBIDDEN otherwise).',
  })
  async prepaidAccount(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext): Promise<PrepaidAccountType> {
    return PrepaidAccountType.from(await ctx.services.prepaid.account(ctx, org.entityId));
  }
}
