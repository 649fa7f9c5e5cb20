import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { registerNode } from '../../graphql/node-registry';
import { UserType } from '../accounts/account.types';
import { AuditEventType } from './audit.types';

registerNode('AuditEvent', (ctx, id) => ctx.services.audit.findVisible(ctx, id), AuditEventType.from);

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @FieldResolver(() => UserType, { nullable: true })
  async actor(@Root() event: AuditEventType, @Ctx() ctx: GraphQLContext): Promise<UserType | null> {
    const user = event.actorId ? await ctx.loaders.user.load(event.actorId) : null;
    return user ? UserType.from(user) : null;
  }
}
