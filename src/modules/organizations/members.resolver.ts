import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { TeamType } from '../teams/team.types';
import {
  AcceptInvitationInput,
  InvitationPayload,
  InviteMemberInput,
  InviteMemberPayload,
  MembershipPayload,
  RemoveMemberInput,
  RemoveMemberPayload,
  RevokeInvitationInput,
  UpdateMembershipInput,
} from './membership.types';
import { InvitationType, MembershipConnection, MembershipType, OrganizationType } from './organization.types';
import { mapNodes } from '../../graphql/connection';

registerNode('Membership', (ctx, id) => ctx.services.memberships.findVisible(ctx, id), MembershipType.from);

registerNode(
  'Invitation',
  (ctx, id) => ctx.services.invitations.findVisible(ctx, id),
  (row, ctx) => InvitationType.from(row, ctx.now()),
);

const productIdsOf = (ids: string[] | null | undefined) =>
  ids ? decodeIds(ids, 'Product', ['input', 'productIds']) : ids;

/** Organization.members / invitations and the membership mutations (R3, R5, R6). */
@Resolver(() => OrganizationType)
export class MembersResolver {
  @FieldResolver(() => MembershipConnection, {
    description: "Everyone for those who manage members; otherwise only the viewer's own membership.",
  })
  async members(@Root() org: OrganizationType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.memberships.list(ctx, org.entityId, page);
    return mapNodes(connection, MembershipType.from);
  }

  @FieldResolver(() => [InvitationType], {
    description:
      'Pending invitations and those of the last 30 days (newest first) for those who manage members; empty for everyone else.',
  })
  async invitations(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext): Promise<InvitationType[]> {
    const now = ctx.now();
    return (await ctx.services.invitations.list(ctx, org.entityId)).map((i) => InvitationType.from(i, now));
  }

  @Mutation(() => InviteMemberPayload, {
    description:
      'R5: an email without an account gets a pending invitation (token by mail only); an existing account becomes a member at once.',
  })
  inviteMember(@Arg('input') input: InviteMemberInput, @Ctx() ctx: GraphQLContext): Promise<InviteMemberPayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const { invitation, membership } = await ctx.services.invitations.invite(ctx, organizationId, {
        ...input,
        productIds: productIdsOf(input.productIds),
      });
      return {
        invitation: invitation ? InvitationType.from(invitation, ctx.now()) : null,
        membership: membership ? MembershipType.from(membership) : null,
      };
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
}
