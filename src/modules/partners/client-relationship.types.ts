import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { CurrencyCode } from '../../graphql/money';
import { DateTimeScalar } from '../../graphql/scalars';
import { OrganizationKind } from '../organizations/organization.entity';
import { AccessLevel, AccessScope, BillingMode, ClientRelationshipEntity } from './client-relationship.entity';
import { ClientRelationshipType } from './partner.types';

/** ClientRelationship as the API shows it, with the ids its field resolvers need (never exposed). */
export type ClientRelationshipNode = ClientRelationshipType & {
  entityId: number;
  partnerId: number;
  partnerOrganizationId: number;
  clientOrganizationId: number;
  entity: ClientRelationshipEntity;
};

export function toRelationshipNode(r: ClientRelationshipEntity): ClientRelationshipNode {
  return Object.assign(new ClientRelationshipType(), {
    id: toGlobalId('ClientRelationship', r.id),
    status: r.status,
    scope: r.scope,
    level: r.level,
    billingMode: r.billingMode,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    endReason: r.endReason,
    entityId: r.id,
    partnerId: r.partnerId,
    partnerOrganizationId: r.partnerOrganizationId,
    clientOrganizationId: r.clientOrganizationId,
    entity: r,
  });
}

export const ClientRelationshipConnection = Connection(ClientRelationshipType, 'ClientRelationship');

@ObjectType('PendingAccessChange', {
  description:
    'A widening of access asked by the partner, waiting for the client (R31): respondToRelationship answers it.',
})
export class PendingAccessChangeType {
  @Field(() => AccessScope) scope: AccessScope;
  @Field(() => AccessLevel) level: AccessLevel;
  @Field(() => DateTimeScalar) requestedAt: Date;
  productIds: number[];
}

@InputType('CreateClientInput')
export class CreateClientInput {
  @Field(() => ID) partnerId: string;
  @Field() name: string;
  @Field(() => OrganizationKind) kind: OrganizationKind;
  @Field(() => CurrencyCode) currency: CurrencyCode;
  @Field() country: string;
  @Field() legalRepresentativeEmail: string;
  @Field(() => BillingMode, { defaultValue: BillingMode.CLIENT_PAYS }) billingMode: BillingMode;
}

@InputType('InviteClientInput')
export class InviteClientInput {
  @Field(() => ID) partnerId: string;
  @Field(() => ID) clientOrganizationId: string;
  @Field(() => AccessScope) scope: AccessScope;
  @Field(() => AccessLevel) level: AccessLevel;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
  @Field(() => BillingMode, { defaultValue: BillingMode.CLIENT_PAYS }) billingMode: BillingMode;
}

@InputType('AuthorizePartnerInput')
export class AuthorizePartnerInput {
  @Field(() => ID) organizationId: string;
  @Field() partnerCode: string;
  @Field(() => AccessScope) scope: AccessScope;
  @Field(() => AccessLevel) level: AccessLevel;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
  @Field(() => BillingMode, { defaultValue: BillingMode.CLIENT_PAYS }) billingMode: BillingMode;
}

@InputType('RespondToRelationshipInput')
export class RespondToRelationshipInput {
  @Field(() => ID) relationshipId: string;
  @Field() accept: boolean;
  @Field(() => AccessScope, { nullable: true, description: 'The client may grant less than asked (R31).' })
  scope?: AccessScope | null;
  @Field(() => AccessLevel, { nullable: true }) level?: AccessLevel | null;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
}

@InputType('ChangeClientAccessInput')
export class ChangeClientAccessInput {
  @Field(() => ID) relationshipId: string;
  @Field(() => AccessScope) scope: AccessScope;
  @Field(() => AccessLevel) level: AccessLevel;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
}

@InputType('AssignCollaboratorsInput')
export class AssignCollaboratorsInput {
  @Field(() => ID) relationshipId: string;
  @Field(() => [ID]) userIds: string[];
}

@InputType('EndClientRelationshipInput')
export class EndClientRelationshipInput {
  @Field(() => ID) relationshipId: string;
  @Field() reason: string;
}

@ObjectType('ClientRelationshipPayload')
export class ClientRelationshipPayload {
  @Field(() => ClientRelationshipType, { nullable: true }) relationship?: ClientRelationshipType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
