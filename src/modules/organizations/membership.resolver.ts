import { Ctx, FieldResolver, Resolver, Root, Arg, Mutation } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { UserType } from '../accounts/account.types';
import { ProductNode } from '../products/product.types';
import { MembershipType, OrganizationType, InvitationType } from './organization.types';
import { payload } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { TeamType } from '../teams/team.types';
import {
  AcceptInvitationInput,
  DeclineInvitationInput,
  InvitationPayload,
  InviteMemberInput,
  InviteMemberPayload,
  MembershipPayload,
  RemoveMemberInput,
  RemoveMemberPayload,
  RevokeInvitationInput,
  UpdateMembershipInput,
} from './membership.types';

registerNode('Membership', (ctx, id) => ctx.services.memberships.findVisible(ctx, id), MembershipType.from);

registerNode(
  'Invitation',
  (ctx, id) => ctx.services.invitations.findVisible(ctx, id),
  (row, ctx) => InvitationType.from(row, ctx.now()),
);

const productIdsOf = (ids: string[] | null | undefined) =>
  ids ? decodeIds(ids, 'Product', ['input', 'productIds']) : ids;

/** The membership and invitation mutations (R3, R5, R6) and Membership's fields. */
@Resolver(() => MembershipType)
export class MembershipResolver {
  @Mutation(() => InviteMemberPayload, {
    description:
      'R5: a pending invitation (token by mail only) whether or not the email has an account; nobody becomes a member without accepting.',
  })
  inviteMember(@Arg('input') input: InviteMemberInput, @Ctx() ctx: GraphQLContext): Promise<InviteMemberPayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const invitation = await ctx.services.invitations.invite(ctx, organizationId, {
        ...input,
        productIds: productIdsOf(input.productIds),
      });
      return { invitation: InvitationType.from(invitation, ctx.now()), membership: null };
    });
  }

  @Mutation(() => MembershipPayload, {
    description:
      'Public: the token from the invitation mail. Creates the account (name and password required) when the email has none.',
  })
  acceptInvitation(@Arg('input') input: AcceptInvitationInput, @Ctx() ctx: GraphQLContext): Promise<MembershipPayload> {
    return payload(async () => {
      const { membership, team } = await ctx.services.invitations.accept(ctx, input);
      return {
        membership: membership ? MembershipType.from(membership) : null,
        team: team ? TeamType.from(team) : null,
      };
    });
  }

  @Mutation(() => InvitationPayload, {
    description:
      'Says no to an invitation: by the token of the mail (no log-in needed), or by the id of one listed in viewer.invitations.',
  })
  declineInvitation(
    @Arg('input') input: DeclineInvitationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<InvitationPayload> {
    return payload(async () => {
      const invitationId = input.invitationId
        ? decodeId(input.invitationId, 'Invitation', ['input', 'invitationId'])
        : null;
      const invitation = await ctx.services.invitations.decline(ctx, { token: input.token, invitationId });
      return { invitation: InvitationType.from(invitation, ctx.now()) };
    });
  }

  @Mutation(() => MembershipPayload)
  updateMembership(@Arg('input') input: UpdateMembershipInput, @Ctx() ctx: GraphQLContext): Promise<MembershipPayload> {
    return payload(async () => {
      const membershipId = decodeId(input.membershipId, 'Membership', ['input', 'membershipId']);
      const membership = await ctx.services.memberships.update(ctx, membershipId, {
        ...input,
        productIds: productIdsOf(input.productIds),
      });
      return { membership: MembershipType.from(membership) };
    });
  }

  @Mutation(() => RemoveMemberPayload, {
    description: 'Managers remove others; anyone may leave. R6: never the only legal representative.',
  })
  removeMember(@Arg('input') input: RemoveMemberInput, @Ctx() ctx: GraphQLContext): Promise<RemoveMemberPayload> {
    return payload(async () => {
      await ctx.services.memberships.remove(ctx, decodeId(input.membershipId, 'Membership', ['input', 'membershipId']));
      return { removedMembershipId: input.membershipId };
    });
  }

  @Mutation(() => InvitationPayload, { description: 'A pending invitation stops working at once.' })
  revokeInvitation(@Arg('input') input: RevokeInvitationInput, @Ctx() ctx: GraphQLContext): Promise<InvitationPayload> {
    return payload(async () => {
      const invitation = await ctx.services.invitations.revoke(
        ctx,
        decodeId(input.invitationId, 'Invitation', ['input', 'invitationId']),
      );
      return { invitation: InvitationType.from(invitation, ctx.now()) };
    });
  }

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
