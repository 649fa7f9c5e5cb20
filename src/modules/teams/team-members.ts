import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../context';
import { isUniqueViolation } from '../../db/errors';
import { TeamEntity, TeamMemberEntity } from './team.entity';

/*
 * Team member rows, shared by the team service and the invitations (accepting a team-only
 * invitation puts the person in the team): plain functions, so neither service needs the other.
 */

/** Per request (keyed by the request's loaders): member user ids of teams, one query per tick. */
const memberLoaders = new WeakMap<object, DataLoader<number, number[]>>();

/** User ids in the team, in the order they joined (batched per request). */
export function teamMemberIds(ctx: RequestContext, teamId: number): Promise<number[]> {
  let loader = memberLoaders.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader(async (teamIds) => {
      // With the users joined: Team.members then finds every user in the user loader, whatever the timing
      // of other batches (one statement for all teams' members, issue 11).
      const rows = await ctx.em.find(TeamMemberEntity, {
        where: { teamId: In([...teamIds]) },
        relations: { user: true },
        order: { createdAt: 'ASC', userId: 'ASC' },
      });
      for (const row of rows) if (row.user) ctx.loaders.user.prime(row.userId, row.user);
      return teamIds.map((id) => rows.filter((r) => r.teamId === id).map((r) => r.userId));
    });
    memberLoaders.set(ctx.loaders, loader);
  }
  return loader.load(teamId);
}

/** Forgets the request's cached members of a team (after a change). */
export function forgetTeamMembers(ctx: RequestContext, teamId: number): void {
  memberLoaders.get(ctx.loaders)?.clear(teamId);
}

/** Puts a user in a team in the caller's transaction; false when already in it. */
export async function addTeamMemberRow(ctx: RequestContext, team: TeamEntity, userId: number): Promise<boolean> {
  if (await ctx.em.existsBy(TeamMemberEntity, { teamId: team.id, userId })) return false;
  // A concurrent call may have added the same person since the check: that is the same outcome.
  const inserted = await ctx.em
    .insert(TeamMemberEntity, { teamId: team.id, userId, organizationId: team.organizationId, createdAt: ctx.now() })
    .then(
      () => true,
      (error) => {
        if (isUniqueViolation(error)) return false;
        throw error;
      },
    );
  if (!inserted) return false;
  ctx.access.clear(team.organizationId);
  forgetTeamMembers(ctx, team.id);
  return true;
}
