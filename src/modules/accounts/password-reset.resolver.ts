import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { payload } from '../../graphql/errors';
import { ResetPasswordInput, ResetPasswordPayload } from './password-reset.types';

/** resetPassword: the end of an approved forgotten-password verification (R23). */
@Resolver()
export class PasswordResetResolver {
  @Mutation(() => ResetPasswordPayload)
  async resetPassword(
    @Arg('input') input: ResetPasswordInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ResetPasswordPayload> {
    const result = await payload(async () => {
      await ctx.services.passwordResets.reset(ctx, input.token, input.password);
      return { passwordChanged: true };
    });
    return { ...result, passwordChanged: result.userErrors.length === 0 };
  }
}
