import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import type { ConnectionShape } from '../../graphql/connection';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { PartnerType } from '../partners/partner.types';
import {
  AcceptProposalInput,
  CreateOfferRequestInput,
  OfferRequestConnection,
  OfferRequestPayload,
  OfferRequestType,
  ProposalType,
  SubmitProposalInput,
} from './directory.types';
import { OfferRequestStatus } from './offer-request.entity';
import { partnerNode } from '../partners/relationship-partner-node';
import { loadPartner } from './partner-membership';

registerNode(
  'OfferRequest',
  (ctx, id) => ctx.services.offers.findVisible(ctx, id),
  (row) => row,
);

/** Offer requests and proposals (R34). */
@Resolver(() => OfferRequestType)
export class OfferRequestResolver {
  @Query(() => OfferRequestConnection, {
    description: 'For members of ACTIVE partners only; each request shows only their own partners’ proposals.',
  })
  offerRequests(
    @Args() page: PageArgsInput,
    @Arg('status', () => OfferRequestStatus, { nullable: true }) status: OfferRequestStatus | null,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<OfferRequestType>> {
    return ctx.services.offers.list(ctx, status, page);
  }

  @Query(() => OfferRequestType, {
    nullable: true,
    description: 'The requester’s view (every proposal) with the token mailed when the request was posted.',
  })
  offerRequestByToken(@Arg('token') token: string, @Ctx() ctx: GraphQLContext): Promise<OfferRequestType | null> {
    return ctx.services.offers.findByToken(ctx, token);
  }

  @Mutation(() => OfferRequestPayload, {
    description: 'Public: a visitor or a customer posts a request; the contact address gets the requester token.',
  })
  createOfferRequest(
    @Arg('input') input: CreateOfferRequestInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<OfferRequestPayload> {
    return payload(async () => ({
      offerRequest: await ctx.services.offers.create(ctx, input, ctx.clientIp ?? 'unknown'),
    }));
  }

  @Mutation(() => OfferRequestPayload, {
    description: 'A member of an ACTIVE partner answers an OPEN request (once per partner).',
  })
  submitProposal(@Arg('input') input: SubmitProposalInput, @Ctx() ctx: GraphQLContext): Promise<OfferRequestPayload> {
    return payload(async () => {
      const requestId = decodeId(input.offerRequestId, 'OfferRequest', ['input', 'offerRequestId']);
      const partnerId = decodeId(input.partnerId, 'Partner', ['input', 'partnerId']);
      return { offerRequest: await ctx.services.offers.submit(ctx, requestId, partnerId, input) };
    });
  }

  @Mutation(() => OfferRequestPayload, {
    description:
      'The requester accepts one proposal: the signed-in user who posted the request, or a visitor with its token.',
  })
  acceptProposal(@Arg('input') input: AcceptProposalInput, @Ctx() ctx: GraphQLContext): Promise<OfferRequestPayload> {
    return payload(async () => {
      const proposalId = decodeId(input.proposalId, 'Proposal', ['input', 'proposalId']);
      return { offerRequest: await ctx.services.offers.accept(ctx, proposalId, input.token) };
    });
  }

  @FieldResolver(() => [ProposalType], {
    description: 'The requester sees every proposal; a partner’s member only its own partners’.',
  })
  async proposals(@Root() request: OfferRequestType, @Ctx() ctx: GraphQLContext): Promise<ProposalType[]> {
    return (await ctx.services.offers.proposalsOf(ctx, request)).map((p) => ProposalType.from(p));
  }
}

@Resolver(() => ProposalType)
export class ProposalResolver {
  @FieldResolver(() => PartnerType)
  async partner(@Root() proposal: ProposalType, @Ctx() ctx: GraphQLContext): Promise<PartnerType> {
    return partnerNode((await loadPartner(ctx, proposal.partnerId))!);
  }
}
