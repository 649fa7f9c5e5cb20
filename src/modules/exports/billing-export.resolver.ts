import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import type { ConnectionShape } from '../../graphql/connection';
import { payload } from '../../graphql/errors';
import { decodeId, decodeIds } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { PartnerType } from '../partners/partner.types';
import {
  BillingExportConnection,
  BillingExportPayload,
  BillingExportType,
  ExportClientBillingInput,
} from './billing-export.types';

registerNode(
  'BillingExport',
  (ctx, id) => ctx.services.billingExports.findVisible(ctx, id),
  (row) => row,
);

/** exportClientBilling (R33). */
@Resolver(() => BillingExportType)
export class BillingExportResolver {
  @Mutation(() => BillingExportPayload, {
    description:
      'Queues a billing export of the partner’s clients for the period; a worker runs it (see Partner.exports).',
  })
  exportClientBilling(
    @Arg('input') input: ExportClientBillingInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BillingExportPayload> {
    return payload(async () => {
      const partnerId = decodeId(input.partnerId, 'Partner', ['input', 'partnerId']);
      const clientOrganizationIds = input.clientIds
        ? decodeIds(input.clientIds, 'Organization', ['input', 'clientIds'])
        : null;
      const row = await ctx.services.billingExports.request(ctx, partnerId, {
        from: input.from,
        to: input.to,
        format: input.format,
        clientOrganizationIds,
      });
      return { export: ctx.services.billingExports.toType(ctx, row) };
    });
  }
}

/** Partner.exports (R33). */
@Resolver(() => PartnerType)
export class PartnerExportsFieldsResolver {
  @FieldResolver(() => BillingExportConnection, {
    description: 'Billing exports: legal representatives and administrators see all, a limited user its own.',
  })
  exports(
    @Root() partner: PartnerType,
    @Args() page: PageArgsInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<BillingExportType>> {
    const entityId = (partner as PartnerType & { entityId?: number }).entityId;
    return ctx.services.billingExports.list(ctx, entityId ?? decodeId(partner.id, 'Partner', ['id']), page);
  }
}
