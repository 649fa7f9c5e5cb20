import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { mapNodes } from '../../graphql/connection';
import type { GraphQLContext } from '../../graphql/context';
import { parseGlobalId } from '../../graphql/global-id';
import { PageArgsInput } from '../../graphql/page-args';
import { OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import { ClientRelationshipType, PartnerType, RelationshipStatus } from './partner.types';
import { ClientRelationshipConnection, toRelationshipNode } from './client-relationship.types';
import { partnerNode } from './relationship-partner-node';
import { relationshipLoadersOf } from './relationship-read.service';

/** Partner.clients: the partner's client relationships (R31, R32), for its members only. */
@Resolver(() => PartnerType)
export class PartnerRelationshipsFieldsResolver {
  @FieldResolver(() => ClientRelationshipConnection)
  async clients(
    @Root() partner: PartnerType,
    @Args() page: PageArgsInput,
    @Arg('status', () => RelationshipStatus, { nullable: true }) status: RelationshipStatus | null,
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const partnerId = partner.entityId ?? parseGlobalId(partner.id)?.id ?? 0;
    const connection = await ctx.services.relationshipReads.listForPartner(ctx, partnerId, page, { status, search });
    return mapNodes(connection, toRelationshipNode);
  }
}

/** Organization.partnerRelationships: where the organization is the client, for its members. */
@Resolver(() => OrganizationType)
export class OrganizationRelationshipsFieldsResolver {
  @FieldResolver(() => [ClientRelationshipType], {
    description: 'Relationships in which this organization is the client.',
  })
  async partnerRelationships(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext) {
    return (await ctx.services.relationshipReads.listForClient(ctx, org.entityId)).map(toRelationshipNode);
  }
}

/** Product.managedBy: the partner of the ACTIVE relationship covering the product, if any. */
@Resolver(() => ProductNode)
export class ProductRelationshipsFieldsResolver {
  @FieldResolver(() => PartnerType, { nullable: true, description: 'The partner that manages this product, if any.' })
  async managedBy(@Root() product: ProductNode, @Ctx() ctx: GraphQLContext): Promise<PartnerType | null> {
    const loaders = relationshipLoadersOf(ctx);
    const r = await loaders.managedBy.load({ id: product.entityId, organizationId: product.organizationId });
    if (!r) return null;
    const partner = await ctx.loaders.partner.load(r.partnerId);
    return partner ? partnerNode(partner) : null;
  }
}
