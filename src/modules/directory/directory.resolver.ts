import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import type { ConnectionShape } from '../../graphql/connection';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { PageArgsInput } from '../../graphql/page-args';
import { PartnerType } from '../partners/partner.types';
import {
  DirectoryFilter,
  DirectoryListingConnection,
  DirectoryListingPayload,
  DirectoryListingType,
  UpdateDirectoryListingInput,
} from './directory.types';
import { partnerNode } from '../partners/relationship-partner-node';
import { loadPartner } from './partner-membership';

/** The public partner directory and the partners' listings (R34). */
@Resolver(() => DirectoryListingType)
export class DirectoryResolver {
  @Query(() => DirectoryListingConnection, {
    description: 'Public (no log-in): listed ACTIVE partners, filtered by region, language, specialty and text.',
  })
  partnerDirectory(
    @Args() page: PageArgsInput,
    @Arg('filter', () => DirectoryFilter, { nullable: true }) filter: DirectoryFilter | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<DirectoryListingType>> {
    return ctx.services.directory.directory(ctx, filter ?? {}, page);
  }

  @Mutation(() => DirectoryListingPayload, {
    description: "Opt in to (or out of) the public directory; the partner's legal representatives and administrators.",
  })
  updateDirectoryListing(
    @Arg('input') input: UpdateDirectoryListingInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<DirectoryListingPayload> {
    return payload(async () => {
      const partnerId = decodeId(input.partnerId, 'Partner', ['input', 'partnerId']);
      return { listing: await ctx.services.directory.updateListing(ctx, partnerId, input) };
    });
  }

  @FieldResolver(() => PartnerType)
  async partner(@Root() listing: DirectoryListingType, @Ctx() ctx: GraphQLContext): Promise<PartnerType> {
    return partnerNode((await loadPartner(ctx, listing.partnerId))!);
  }
}

/** Partner.listing (R34). */
@Resolver(() => PartnerType)
export class PartnerDirectoryFieldsResolver {
  @FieldResolver(() => DirectoryListingType, {
    nullable: true,
    description: "The partner's directory listing: public once listed; its own members also see it unlisted.",
  })
  listing(@Root() partner: PartnerType, @Ctx() ctx: GraphQLContext): Promise<DirectoryListingType | null> {
    return ctx.services.directory.listingOf(ctx, partnerIdOf(partner));
  }
}

/** The local id of a Partner node (the partner module's node carries it as `entityId`; the global id otherwise). */
export function partnerIdOf(partner: PartnerType): number {
  const entityId = (partner as PartnerType & { entityId?: number }).entityId;
  return entityId ?? decodeId(partner.id, 'Partner', ['id']);
}
