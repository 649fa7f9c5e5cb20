import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../context';
import { UserType } from '../accounts/account.types';
import { AuditEventType } from './audit.types';

@Resolver(() => AuditEventType)
export class AuditEventResolver {
  @FieldResolver(() => UserType, { nullable: true })
  async actor(@Root() event: AuditEventType, @Ctx() ctx: RequestContext): Promise<UserType | null> {
    const user = event.actorId ? await ctx.loaders.user.load(event.actorId) : null;
    return user ? UserType.from(user) : null;
  }
}
