import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { PageArgsInput } from '../../graphql/page-args';
import { OrganizationType } from '../organizations/organization.types';
import { InvoiceConnection, InvoiceFilter, InvoiceType } from './invoice.types';
import { mapNodes } from '../../graphql/connection';

@Resolver(() => OrganizationType)
export class OrganizationBillingFieldsResolver {
  @FieldResolver(() => InvoiceConnection)
  async invoices(
    @Root() org: OrganizationType,
    @Args() page: PageArgsInput,
    @Arg('filter', () => InvoiceFilter, { nullable: true }) filter: InvoiceFilter | null,
    @Ctx() ctx: GraphQLContext,
  ) {
    const connection = await ctx.services.invoices.list(ctx, org.entityId, page, filter ?? {});
    return mapNodes(connection, InvoiceType.from);
  }
}
