import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { ClientRelationshipPayload, toRelationshipNode } from './client-relationship.types';
import { SetClientBillingModeInput } from './partner-billing.types';
import { ClientRelationshipType } from './partner.types';

/** Billing modes of client relationships (R30, R31). */
@Resolver(() => ClientRelationshipType)
export class PartnerBillingResolver {
  @Mutation(() => ClientRelationshipPayload, {
    description:
      "The client's legal representative chooses who pays its new invoices (R31): PARTNER_PAYS needs an ACTIVE FULL_ACCOUNT relationship; invoices already issued keep their payer. The partner is mailed.",
  })
  setClientBillingMode(
    @Arg('input') input: SetClientBillingModeInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ClientRelationshipPayload> {
    return payload(async () => {
      const id = decodeId(input.relationshipId, 'ClientRelationship', ['input', 'relationshipId']);
      const relationship = await ctx.services.partnerBilling.setClientBillingMode(ctx, id, input.billingMode);
      return { relationship: toRelationshipNode(relationship) };
    });
  }
}
