import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Money, MoneyInput } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { DateTimeScalar } from '../../graphql/scalars';
import { PartnerEntity, PartnerStatus } from '../partners/partner.entity';
import { DirectoryListingEntity } from './directory-listing.entity';
import { OfferRequestEntity, OfferRequestStatus, ProposalEntity } from './offer-request.entity';

registerEnumType(OfferRequestStatus, { name: 'OfferRequestStatus' });

@ObjectType('DirectoryListing', { implements: Node })
export class DirectoryListingType extends Node {
  @Field({ description: "The partner organization's name." }) name: string;
  @Field({ description: "The partner's website (as reviewed in its application)." }) website: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field(() => [String]) languages: string[];
  @Field(() => [String]) regions: string[];
  @Field(() => [String]) specialties: string[];
  @Field({
    description:
      "True when platform staff approved the partner's application, checking its commercial-register id and website, and the organization's register id is still the one they checked.",
  })
  verified: boolean;
  @Field({ description: 'Shown in partnerDirectory (when the partner is also ACTIVE).' }) listed: boolean;
  partnerId: number;

  static from(
    listing: DirectoryListingEntity,
    partner: PartnerEntity,
    organization: { name: string; companyRegistrationId: string | null },
  ): DirectoryListingType {
    return Object.assign(new DirectoryListingType(), {
      id: toGlobalId('DirectoryListing', listing.id),
      partnerId: partner.id,
      name: organization.name,
      website: partner.website,
      description: listing.description,
      languages: listing.languages,
      regions: listing.regions,
      specialties: listing.specialties,
      listed: listing.listed,
      verified: isVerified(partner, organization),
    });
  }
}

/** The `verified` badge (R34): approved by staff, and the register id they checked has not changed since. */
export function isVerified(partner: PartnerEntity, organization: { companyRegistrationId: string | null }): boolean {
  return (
    partner.status === PartnerStatus.ACTIVE &&
    partner.reviewedAt !== null &&
    !!partner.companyRegistrationId &&
    normalizeRegistrationId(organization.companyRegistrationId) ===
      normalizeRegistrationId(partner.companyRegistrationId)
  );
}

const normalizeRegistrationId = (id: string | null) => (id ?? '').replace(/[\s.-]/g, '').toUpperCase();

export const DirectoryListingConnection = Connection(DirectoryListingType, 'DirectoryListing');

/**
 * Which proposals of a request the viewer sees: the requester every one, a partner's member only its
 * partners' own (never a competitor's).
 */
export type ProposalVisibility = 'ALL' | readonly number[];

@ObjectType('OfferRequest', { implements: Node })
export class OfferRequestType extends Node {
  @Field() title: string;
  @Field() description: string;
  @Field() category: string;
  @Field(() => Money, { nullable: true }) budget: Money | null;
  @Field(() => String, { nullable: true }) region: string | null;
  @Field(() => OfferRequestStatus) status: OfferRequestStatus;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar) closesAt: Date;
  entityId: number;
  proposalVisibility: ProposalVisibility;

  static from(request: OfferRequestEntity, proposalVisibility: ProposalVisibility, now: Date): OfferRequestType {
    return Object.assign(new OfferRequestType(), {
      id: toGlobalId('OfferRequest', request.id),
      entityId: request.id,
      title: request.title,
      description: request.description,
      category: request.category,
      budget:
        request.budgetAmount === null || !request.budgetCurrency
          ? null
          : Money.of(request.budgetAmount, request.budgetCurrency),
      region: request.region,
      // A request past its closing time reads CLOSED even before the sweep wrote it.
      status:
        request.status === OfferRequestStatus.OPEN && request.closesAt <= now
          ? OfferRequestStatus.CLOSED
          : request.status,
      createdAt: request.createdAt,
      closesAt: request.closesAt,
      proposalVisibility,
    });
  }
}

@ObjectType('Proposal', { implements: Node })
export class ProposalType extends Node {
  @Field() message: string;
  @Field(() => Money, { nullable: true }) estimate: Money | null;
  @Field() accepted: boolean;
  @Field(() => DateTimeScalar) createdAt: Date;
  partnerId: number;

  static from(proposal: ProposalEntity): ProposalType {
    return Object.assign(new ProposalType(), {
      id: toGlobalId('Proposal', proposal.id),
      partnerId: proposal.partnerId,
      message: proposal.message,
      estimate:
        proposal.estimateAmount === null || !proposal.estimateCurrency
          ? null
          : Money.of(proposal.estimateAmount, proposal.estimateCurrency),
      accepted: proposal.accepted,
      createdAt: proposal.createdAt,
    });
  }
}

export const OfferRequestConnection = Connection(OfferRequestType, 'OfferRequest');

@InputType('DirectoryFilter')
export class DirectoryFilter {
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field(() => String, { nullable: true, description: 'A language code, e.g. "fr".' }) language?: string | null;
  @Field(() => String, { nullable: true }) specialty?: string | null;
  @Field(() => String, { nullable: true, description: 'Words found in the name or description.' }) search?:
    string | null;
}

@InputType('UpdateDirectoryListingInput')
export class UpdateDirectoryListingInput {
  @Field(() => ID) partnerId: string;
  @Field() listed: boolean;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => [String], { nullable: true, description: 'Language codes (ISO 639-1, e.g. "fr"), at most 10.' })
  languages?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'At most 20, e.g. "Geneva".' }) regions?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'At most 20, e.g. "WordPress".' }) specialties?:
    string[] | null;
}

@ObjectType('DirectoryListingPayload')
export class DirectoryListingPayload {
  @Field(() => DirectoryListingType, { nullable: true }) listing?: DirectoryListingType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('CreateOfferRequestInput')
export class CreateOfferRequestInput {
  @Field() title: string;
  @Field() description: string;
  @Field() category: string;
  @Field(() => MoneyInput, { nullable: true }) budget?: MoneyInput | null;
  @Field(() => String, { nullable: true }) region?: string | null;
  @Field({ description: 'Where the requester gets the link to see and accept proposals.' }) contactEmail: string;
}

@InputType('SubmitProposalInput')
export class SubmitProposalInput {
  @Field(() => ID) offerRequestId: string;
  @Field(() => ID) partnerId: string;
  @Field() message: string;
  @Field(() => MoneyInput, { nullable: true }) estimate?: MoneyInput | null;
}

@InputType('AcceptProposalInput')
export class AcceptProposalInput {
  @Field(() => ID) proposalId: string;
  @Field(() => String, {
    nullable: true,
    description:
      'For a visitor: the requester token from the mail sent when the request was posted. A signed-in requester needs none.',
  })
  token?: string | null;
}

@ObjectType('OfferRequestPayload')
export class OfferRequestPayload {
  @Field(() => OfferRequestType, { nullable: true }) offerRequest?: OfferRequestType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
