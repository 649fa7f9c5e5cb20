import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { decodeId, parseGlobalId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { permissionsOf } from '../access/permissions';
import { AuditEventConnection, AuditEventType } from '../audit/audit.types';
import {
  OrganizationPayload,
  OrganizationPermissions,
  OrganizationType,
  UpdateOrganizationInput,
} from './organization.types';
import { mapNodes } from '../../graphql/connection';

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
