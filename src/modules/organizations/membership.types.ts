import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../../graphql/errors';
import { TeamType } from '../teams/team.types';
import { MemberRole } from './membership.entity';
import { ContactPreferencesInput, InvitationType, MembershipType } from './organization.types';

@InputType('InviteMemberInput')
export class InviteMemberInput {
  @Field(() => ID) organizationId: string;
  @Field() email: string;
  @Field(() => MemberRole) role: MemberRole;
  @Field({ defaultValue: false }) billingAccess: boolean;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
  @Field(() => ContactPreferencesInput, { nullable: true }) contactPreferences?: ContactPreferencesInput | null;
}

@ObjectType('InviteMemberPayload')
export class InviteMemberPayload {
  @Field(() => InvitationType, {
    nullable: true,
    description: 'The pending invitation; the token goes out by email only (R5).',
  })
  invitation?: InvitationType | null;
  @Field(() => MembershipType, {
    nullable: true,
    description: 'Kept for compatibility: always null, since nobody becomes a member without accepting (R5).',
  })
  membership?: MembershipType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('AcceptInvitationInput')
export class AcceptInvitationInput {
  @Field() token: string;
  @Field(() => String, {
    nullable: true,
    description: 'Required when the invited email has no account yet: the new account gets this name.',
  })
  name?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Required when the invited email has no account yet: the new account gets this password.',
  })
  password?: string | null;
}

@InputType('DeclineInvitationInput')
export class DeclineInvitationInput {
  @Field(() => String, { nullable: true, description: 'The token of the invitation mail.' })
  token?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Or, signed in, the id of an invitation listed in viewer.invitations.',
  })
  invitationId?: string | null;
}

@ObjectType('MembershipPayload')
export class MembershipPayload {
  @Field(() => MembershipType, { nullable: true }) membership?: MembershipType | null;
  @Field(() => TeamType, {
    nullable: true,
    description: 'acceptInvitation of a team-only invitation: the team joined (no membership is created).',
  })
  team?: TeamType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('UpdateMembershipInput')
export class UpdateMembershipInput {
  @Field(() => ID) membershipId: string;
  @Field(() => MemberRole, { nullable: true }) role?: MemberRole | null;
  @Field(() => Boolean, { nullable: true }) billingAccess?: boolean | null;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
  @Field(() => ContactPreferencesInput, { nullable: true }) contactPreferences?: ContactPreferencesInput | null;
}

@InputType('RemoveMemberInput')
export class RemoveMemberInput {
  @Field(() => ID) membershipId: string;
}

@ObjectType('RemoveMemberPayload')
export class RemoveMemberPayload {
  @Field(() => ID, { nullable: true }) removedMembershipId?: string | null;
  @Field(() => [UserError]) userErrors: UserError[];
}

@InputType('RevokeInvitationInput')
export class RevokeInvitationInput {
  @Field(() => ID) invitationId: string;
}

@ObjectType('InvitationPayload')
export class InvitationPayload {
  @Field(() => InvitationType, { nullable: true }) invitation?: InvitationType | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
