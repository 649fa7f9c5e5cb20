import { AuditEventConnection, AuditEventType } from '../audit/audit.types';
import { PageArgsInput } from '../../graphql/page-args';
import { mapNodes } from '../../graphql/connection';
import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root, ID, Query } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId, parseGlobalId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import {
  InvitationType,
  MembershipConnection,
  MembershipType,
  OrganizationType,
  OrganizationPayload,
  OrganizationPermissions,
  UpdateOrganizationInput,
} from './organization.types';
import { permissionsOf } from '../access/permissions';

registerNode('Organization', (ctx, id) => ctx.services.organizations.findAccessible(ctx, id), OrganizationType.from);

@Resolver(() => OrganizationType)
export class OrganizationResolver {
  @Query(() => OrganizationType, {
    nullable: true,
    description: 'An organization the viewer belongs to (or reaches); null otherwise.',
  })
  async organization(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<OrganizationType | null> {
    const parsed = parseGlobalId(id);
    if (!parsed || parsed.type !== 'Organization') return null;
    const org = await ctx.services.organizations.findAccessible(ctx, parsed.id);
    return org ? OrganizationType.from(org) : null;
  }

  @Mutation(() => OrganizationPayload)
  updateOrganization(
    @Arg('input') input: UpdateOrganizationInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<OrganizationPayload> {
    return payload(async () => {
      const org = await ctx.services.organizations.update(
        ctx,
        decodeId(input.organizationId, 'Organization', ['input', 'organizationId']),
        input,
      );
      return { organization: OrganizationType.from(org) };
    });
  }

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

  @FieldResolver(() => OrganizationPermissions, {
    description: 'What the authenticated user may do here (the Manager greys out the rest).',
  })
  async viewerPermissions(@Root() org: OrganizationType, @Ctx() ctx: GraphQLContext): Promise<OrganizationPermissions> {
    return permissionsOf(await ctx.access.forOrganization(org.entityId));
  }

  @FieldResolver(() => AuditEventConnection)
  async auditEvents(@Root() org: OrganizationType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.audit.list(ctx, org.entityId, page);
    return mapNodes(connection, AuditEventType.from);
  }
}
