import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { Money } from '../../graphql/money';
import { registerNode } from '../../graphql/node-registry';
import { UserType } from '../accounts/account.types';
import { OrganizationType } from '../organizations/organization.types';
import { ProductNode } from '../products/product.types';
import { AccessScope } from './client-relationship.entity';
import {
  AssignCollaboratorsInput,
  AuthorizePartnerInput,
  ChangeClientAccessInput,
  ClientRelationshipNode,
  ClientRelationshipPayload,
  CreateClientInput,
  EndClientRelationshipInput,
  InviteClientInput,
  PendingAccessChangeType,
  RespondToRelationshipInput,
  toRelationshipNode,
} from './client-relationship.types';
import { ClientRelationshipType, PartnerType } from './partner.types';
import { partnerNode } from './relationship-partner-node';
import { relationshipLoadersOf } from './relationship-read.service';

registerNode(
  'ClientRelationship',
  (ctx, id) => ctx.services.relationshipReads.findVisible(ctx, id),
  toRelationshipNode,
);

const productIdsOf = (ids: string[] | null | undefined) =>
  ids ? decodeIds(ids, 'Product', ['input', 'productIds']) : [];

/** The relationship lifecycle mutations (R31, R32) and ClientRelationship's fields. */
@Resolver(() => ClientRelationshipType)
export class ClientRelationshipResolver {
  @Mutation(() => ClientRelationshipPayload)
  createClient(@Arg('input') input: CreateClientInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const partnerId = decodeId(input.partnerId, 'Partner', ['input', 'partnerId']);
      const r = await ctx.services.relationships.createClient(ctx, partnerId, input);
      return { relationship: toRelationshipNode(r) };
    });
  }

  @Mutation(() => ClientRelationshipPayload)
  inviteClient(@Arg('input') input: InviteClientInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const partnerId = decodeId(input.partnerId, 'Partner', ['input', 'partnerId']);
      const clientId = decodeId(input.clientOrganizationId, 'Organization', ['input', 'clientOrganizationId']);
      const grant = { scope: input.scope, level: input.level, productIds: productIdsOf(input.productIds) };
      const r = await ctx.services.relationships.inviteClient(ctx, partnerId, clientId, grant, input.billingMode);
      return { relationship: toRelationshipNode(r) };
    });
  }

  @Mutation(() => ClientRelationshipPayload)
  authorizePartner(@Arg('input') input: AuthorizePartnerInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const grant = { scope: input.scope, level: input.level, productIds: productIdsOf(input.productIds) };
      const r = await ctx.services.relationships.authorizePartner(
        ctx,
        organizationId,
        input.partnerCode,
        grant,
        input.billingMode,
      );
      return { relationship: toRelationshipNode(r) };
    });
  }

  @Mutation(() => ClientRelationshipPayload)
  respondToRelationship(@Arg('input') input: RespondToRelationshipInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const id = decodeId(input.relationshipId, 'ClientRelationship', ['input', 'relationshipId']);
      const r = await ctx.services.relationships.respond(ctx, id, {
        accept: input.accept,
        scope: input.scope,
        level: input.level,
        productIds: input.productIds ? productIdsOf(input.productIds) : null,
      });
      return { relationship: toRelationshipNode(r) };
    });
  }

  @Mutation(() => ClientRelationshipPayload)
  changeClientAccess(@Arg('input') input: ChangeClientAccessInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const id = decodeId(input.relationshipId, 'ClientRelationship', ['input', 'relationshipId']);
      const grant = { scope: input.scope, level: input.level, productIds: productIdsOf(input.productIds) };
      const r = await ctx.services.relationshipChanges.changeAccess(ctx, id, grant);
      return { relationship: toRelationshipNode(r) };
    });
  }

  @Mutation(() => ClientRelationshipPayload)
  assignCollaborators(@Arg('input') input: AssignCollaboratorsInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const id = decodeId(input.relationshipId, 'ClientRelationship', ['input', 'relationshipId']);
      const userIds = decodeIds(input.userIds, 'User', ['input', 'userIds']);
      const r = await ctx.services.relationshipChanges.assignCollaborators(ctx, id, userIds);
      return { relationship: toRelationshipNode(r) };
    });
  }

  @Mutation(() => ClientRelationshipPayload)
  endClientRelationship(@Arg('input') input: EndClientRelationshipInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const id = decodeId(input.relationshipId, 'ClientRelationship', ['input', 'relationshipId']);
      const r = await ctx.services.relationshipChanges.end(ctx, id, input.reason);
      return { relationship: toRelationshipNode(r) };
    });
  }

  @FieldResolver(() => PartnerType)
  async partner(@Root() r: ClientRelationshipNode, @Ctx() ctx: GraphQLContext): Promise<PartnerType> {
    return partnerNode((await ctx.loaders.partner.load(r.partnerId))!);
  }

  @FieldResolver(() => OrganizationType)
  async client(@Root() r: ClientRelationshipNode, @Ctx() ctx: GraphQLContext): Promise<OrganizationType> {
    return OrganizationType.from(await ctx.services.relationshipReads.clientOf(ctx, r.entity));
  }

  @FieldResolver(() => [ProductNode], {
    description:
      'For scope PRODUCTS: the products (those the viewer reaches; a partner reaches none once the relationship ended).',
  })
  async products(@Root() r: ClientRelationshipNode, @Ctx() ctx: GraphQLContext): Promise<ProductNode[]> {
    if (r.scope !== AccessScope.PRODUCTS) return [];
    const ids = await relationshipLoadersOf(ctx).productIds.load(r.entityId);
    return (await ctx.services.products.loadAccessible(ctx, ids)).map(ProductNode.from);
  }

  @FieldResolver(() => [UserType], {
    description: 'Partner users assigned to this client (partner USERs reach only assigned clients).',
  })
  async assignedCollaborators(@Root() r: ClientRelationshipNode, @Ctx() ctx: GraphQLContext): Promise<UserType[]> {
    const ids = await relationshipLoadersOf(ctx).collaboratorIds.load(r.entityId);
    const users = await ctx.loaders.user.loadMany(ids);
    return users.flatMap((u) => (u && !(u instanceof Error) ? [UserType.from(u)] : []));
  }

  @FieldResolver(() => Money, { description: "Yearly price of the client's products under this relationship." })
  async yearlyVolume(@Root() r: ClientRelationshipNode, @Ctx() ctx: GraphQLContext): Promise<Money> {
    const [minor, client] = await Promise.all([
      relationshipLoadersOf(ctx).yearlyVolume.load(r.entity),
      ctx.loaders.organization.load(r.clientOrganizationId),
    ]);
    return Money.of(minor, client!.currency);
  }

  @FieldResolver(() => PendingAccessChangeType, {
    nullable: true,
    description: 'A widening asked by the partner, waiting for the client (R31).',
  })
  pendingChange(@Root() r: ClientRelationshipNode): PendingAccessChangeType | null {
    const change = r.entity.pendingChange;
    if (!change) return null;
    return Object.assign(new PendingAccessChangeType(), {
      scope: change.scope,
      level: change.level,
      requestedAt: new Date(change.requestedAt),
      productIds: change.productIds,
    });
  }
}

@Resolver(() => PendingAccessChangeType)
export class PendingAccessChangeResolver {
  @FieldResolver(() => [ProductNode], { description: 'For scope PRODUCTS: the products asked for.' })
  async products(@Root() change: PendingAccessChangeType, @Ctx() ctx: GraphQLContext): Promise<ProductNode[]> {
    return (await ctx.services.products.loadAccessible(ctx, change.productIds)).map(ProductNode.from);
  }
}
