import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/global-id';
import { Node } from '../../graphql/node';
import { InvitationType } from '../organizations/organization.types';
import { TeamEntity } from './team.entity';

/** A team (R7). `leader`, `members`, `products` and `organization` are field resolvers. */
@ObjectType('Team', { implements: Node })
export class TeamType extends Node {
  @Field() name: string;
  entityId: number;
  organizationId: number;
  leaderId: number | null;
  productIds: number[];

  static from(team: TeamEntity): TeamType {
    return Object.assign(new TeamType(), {
      id: toGlobalId('Team', team.id),
      entityId: team.id,
      organizationId: team.organizationId,
      leaderId: team.leaderId,
      productIds: team.productIds,
      name: team.name,
    });
  }
}

export const TeamConnection = Connection(TeamType, 'Team');

@InputType('CreateTeamInput')
export class CreateTeamInput {
  @Field(() => ID) organizationId: string;
  @Field() name: string;
  @Field(() => ID, { nullable: true, description: 'A member of the organization; becomes a member of the team too.' })
  leaderId?: string | null;
  @Field(() => [ID], { nullable: true }) userIds?: string[] | null;
  @Field(() => [ID], { nullable: true }) productIds?: string[] | null;
}

@InputType('AddTeamMembersInput')
export class AddTeamMembersInput {
  @Field(() => ID) teamId: string;
  @Field(() => [ID], { nullable: true }) userIds?: string[] | null;
  @Field(() => [String], {
    nullable: true,
    description: 'People outside the organization, invited into the team only.',
  })
  emails?: string[] | null;
}

@InputType('RemoveTeamMemberInput')
export class RemoveTeamMemberInput {
  @Field(() => ID) teamId: string;
  @Field(() => ID) userId: string;
}

@InputType('SetTeamProductsInput')
export class SetTeamProductsInput {
  @Field(() => ID) teamId: string;
  @Field(() => [ID]) productIds: string[];
}

@ObjectType('TeamPayload')
export class TeamPayload {
  @Field(() => TeamType, { nullable: true }) team?: TeamType | null;
  @Field(() => [InvitationType], {
    nullable: true,
    description: 'addTeamMembers: team-only invitations mailed to emails without an account.',
  })
  invitations?: InvitationType[] | null;
  @Field(() => [UserError]) userErrors: UserError[];
}
