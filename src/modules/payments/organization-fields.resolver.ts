import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { OrganizationType } from '../organizations/organization.types';
import { PaymentMethodType } from './payment.types';

@Resolver(() => OrganizationType)
export class OrganizationPaymentsFieldsResolver {
  @FieldResolver(() => [PaymentMethodType], {
    description: 'Stored payment methods, oldest first. Needs billing rights (FORBIDDEN otherwise).',
  })
  async paymentMethods(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext): Promise<PaymentMethodType[]> {
    return (await ctx.services.paymentMethods.list(ctx, org.entityId)).map((m) => PaymentMethodType.from(m));
  }
}
