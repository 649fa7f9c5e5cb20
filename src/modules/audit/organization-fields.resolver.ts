import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { AuditEventConnection, AuditEventType } from './audit.types';
import { OrganizationType } from '../organizations/organization.types';
import { mapNodes } from '../../graphql/connection';

/** Organization.auditEvents (R26). */
@Resolver(() => OrganizationType)
export class OrganizationAuditFieldsResolver {
  @FieldResolver(() => AuditEventConnection)
  async auditEvents(@Root() org: OrganizationType, @Args() page: PageArgsInput, @Ctx() ctx: GraphQLContext) {
    const connection = await ctx.services.audit.list(ctx, org.entityId, page);
    return mapNodes(connection, AuditEventType.from);
  }
}
