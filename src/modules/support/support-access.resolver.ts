import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { UserType } from '../accounts/account.types';
import { SupportAccessScope } from './support-access-grant.entity';
import {
  GrantSupportAccessInput,
  RevokeSupportAccessInput,
  SupportAccessGrantPayload,
  SupportAccessGrantType,
} from './support-access.types';

registerNode(
  'SupportAccessGrant',
  (ctx, id) => ctx.services.supportAccess.findVisible(ctx, id),
  (row, ctx) => SupportAccessGrantType.from(row, ctx.now()),
);

/** The grant mutations, the staff read check and SupportAccessGrant's fields (R25). */
@Resolver(() => SupportAccessGrantType)
export class SupportAccessResolver {
  @Mutation(() => SupportAccessGrantPayload)
  grantSupportAccess(
    @Arg('input') input: GrantSupportAccessInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SupportAccessGrantPayload> {
    return payload(async () => {
      const organizationId = decodeId(input.organizationId, 'Organization', ['input', 'organizationId']);
      const grant = await ctx.services.supportAccess.grant(ctx, organizationId, input.scope, input.resource);
      return { grant: SupportAccessGrantType.from(grant, ctx.now()) };
    });
  }

  @Mutation(() => SupportAccessGrantPayload)
  revokeSupportAccess(
    @Arg('input') input: RevokeSupportAccessInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<SupportAccessGrantPayload> {
    return payload(async () => {
      const grant = await ctx.services.supportAccess.revoke(
        ctx,
        decodeId(input.id, 'SupportAccessGrant', ['input', 'id']),
      );
      return { grant: SupportAccessGrantType.from(grant, ctx.now()) };
    });
  }

  @Query(() => Boolean, {
    description:
      "Staff tool (R25): true when platform support may read this resource now under an active grant; the read is written to the organization's audit log. FORBIDDEN otherwise.",
  })
  async supportReadCheck(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('scope', () => SupportAccessScope) scope: SupportAccessScope,
    @Arg('resource') resource: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<boolean> {
    await ctx.services.supportAccess.readUnderGrant(
      ctx,
      decodeId(organizationId, 'Organization', ['organizationId']),
      scope,
      resource,
    );
    return true;
  }

  @FieldResolver(() => UserType)
  async grantedBy(@Root() grant: SupportAccessGrantType, @Ctx() ctx: GraphQLContext): Promise<UserType> {
    return UserType.from((await ctx.loaders.user.load(grant.grantedById))!);
  }
}
