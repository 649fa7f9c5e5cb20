import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { mapNodes } from '../../graphql/connection';
import { payload } from '../../graphql/errors';
import { decodeId } from '../../graphql/global-id';
import { registerNode } from '../../graphql/node-registry';
import { PageArgsInput } from '../../graphql/page-args';
import { UserType } from '../accounts/account.types';
import { OrderType } from '../orders/order.types';
import { VerificationStatus } from './identity-verification.entity';
import {
  ApproveIdentityVerificationInput,
  ConfirmVerificationCodeInput,
  IdentityVerificationConnection,
  IdentityVerificationImageType,
  IdentityVerificationPayload,
  IdentityVerificationType,
  RejectIdentityVerificationInput,
  StartAccountRecoveryInput,
  StartAccountRecoveryPayload,
  StartIdentityVerificationInput,
  StartIdentityVerificationPayload,
  SubmitVerificationDocumentTypeInput,
  SubmitVerificationGeolocationConsentInput,
  SubmitVerificationPhoneInput,
} from './identity-verification.types';

registerNode(
  'IdentityVerification',
  (ctx, id) => ctx.services.verificationReviews.findVisible(ctx, id),
  IdentityVerificationType.from,
);

const RECOVERY_MESSAGE =
  'If an account matches, a link to verify your identity is on its way to the address (it also contains a QR code).';

/** Identity verification (R23): starting it, its public steps (by the link's token), and support's review. */
@Resolver(() => IdentityVerificationType)
export class IdentityVerificationResolver {
  @Mutation(() => StartAccountRecoveryPayload, {
    description: 'Signed out: forgotten password or login address, account unlock. The answer is always the same.',
  })
  startAccountRecovery(@Arg('input') input: StartAccountRecoveryInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      await ctx.services.identityVerifications.startAccountRecovery(ctx, input.reason, input.email);
      return { message: RECOVERY_MESSAGE };
    });
  }

  @Mutation(() => StartIdentityVerificationPayload, {
    description:
      'Signed in: 2FA deactivation, or the first ticketing payout of an organization (legal representative).',
  })
  startIdentityVerification(@Arg('input') input: StartIdentityVerificationInput, @Ctx() ctx: GraphQLContext) {
    return payload(async () => {
      const organizationId = input.organizationId
        ? decodeId(input.organizationId, 'Organization', ['input', 'organizationId'])
        : null;
      const { verification, url } = await ctx.services.identityVerifications.startForViewer(
        ctx,
        input.reason,
        organizationId,
      );
      return { verification: IdentityVerificationType.from(verification), verificationUrl: url };
    });
  }

  @Query(() => IdentityVerificationType, {
    description: "The verification a link's token opens (its progress), while the link has not expired.",
  })
  async identityVerificationByToken(@Arg('token') token: string, @Ctx() ctx: GraphQLContext) {
    return IdentityVerificationType.from(await ctx.services.verificationSteps.findByToken(ctx, token));
  }

  @Mutation(() => IdentityVerificationPayload, { description: 'Step 1: the mobile number; a code is sent by SMS.' })
  submitVerificationPhone(@Arg('input') input: SubmitVerificationPhoneInput, @Ctx() ctx: GraphQLContext) {
    return step(() => ctx.services.verificationSteps.submitPhone(ctx, input.token, input.phoneNumber));
  }

  @Mutation(() => IdentityVerificationPayload, { description: 'Step 2: the SMS code (5 tries).' })
  confirmVerificationCode(@Arg('input') input: ConfirmVerificationCodeInput, @Ctx() ctx: GraphQLContext) {
    return step(() => ctx.services.verificationSteps.confirmCode(ctx, input.token, input.code));
  }

  @Mutation(() => IdentityVerificationPayload, { description: 'Step 3: consent to geolocation (mandatory).' })
  submitVerificationGeolocationConsent(
    @Arg('input') input: SubmitVerificationGeolocationConsentInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    return step(() => ctx.services.verificationSteps.answerGeolocation(ctx, input.token, input));
  }

  @Mutation(() => IdentityVerificationPayload, {
    description:
      'Step 4: identity card or passport. Then the photos and the selfie: POST /verifications/:id/images?kind=… (README).',
  })
  submitVerificationDocumentType(@Arg('input') input: SubmitVerificationDocumentTypeInput, @Ctx() ctx: GraphQLContext) {
    return step(() => ctx.services.verificationSteps.chooseDocumentType(ctx, input.token, input.documentType));
  }

  @Query(() => IdentityVerificationConnection, { description: 'Staff: verifications, oldest first, by status.' })
  async identityVerifications(
    @Arg('status', () => VerificationStatus, { nullable: true }) status: VerificationStatus | null,
    @Args() page: PageArgsInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const connection = await ctx.services.verificationReviews.list(ctx, status, page);
    return mapNodes(connection, IdentityVerificationType.from);
  }

  @Mutation(() => IdentityVerificationPayload, {
    description: "Staff: approve a submitted verification (performs the reason's effect).",
  })
  approveIdentityVerification(@Arg('input') input: ApproveIdentityVerificationInput, @Ctx() ctx: GraphQLContext) {
    return step(() => {
      const id = decodeId(input.verificationId, 'IdentityVerification', ['input', 'verificationId']);
      const accountId = input.accountId ? decodeId(input.accountId, 'User', ['input', 'accountId']) : null;
      return ctx.services.verificationReviews.approve(ctx, id, input.reason, accountId);
    });
  }

  @Mutation(() => IdentityVerificationPayload, {
    description: 'Staff: reject a submitted verification (the person is mailed why).',
  })
  rejectIdentityVerification(@Arg('input') input: RejectIdentityVerificationInput, @Ctx() ctx: GraphQLContext) {
    return step(() => {
      const id = decodeId(input.verificationId, 'IdentityVerification', ['input', 'verificationId']);
      return ctx.services.verificationReviews.reject(ctx, id, input.reason);
    });
  }

  @FieldResolver(() => Int)
  codeAttemptsLeft(@Root() v: IdentityVerificationType, @Ctx() ctx: GraphQLContext): number {
    return ctx.services.verificationSteps.codeAttemptsLeft(v);
  }

  @FieldResolver(() => [IdentityVerificationImageType], { nullable: true, description: 'Staff only.' })
  async images(@Root() v: IdentityVerificationType, @Ctx() ctx: GraphQLContext) {
    const images = await ctx.services.verificationReviews.imagesOf(ctx, v.entityId);
    return images.map((image) => IdentityVerificationImageType.from(image, ctx.services.config.publicUrl));
  }

  @FieldResolver(() => OrderType, { nullable: true, description: 'Staff only: the blocked order it releases.' })
  async order(@Root() v: IdentityVerificationType, @Ctx() ctx: GraphQLContext) {
    const order = v.orderId ? await ctx.services.verificationReviews.orderOf(ctx, v.orderId) : null;
    return order ? OrderType.from(order) : null;
  }

  @FieldResolver(() => UserType, { nullable: true, description: 'Staff only: the account concerned.' })
  async user(@Root() v: IdentityVerificationType, @Ctx() ctx: GraphQLContext) {
    const user = v.userId ? await ctx.loaders.user.load(v.userId) : null;
    return user ? UserType.from(user) : null;
  }
}

async function step(work: () => Promise<Parameters<typeof IdentityVerificationType.from>[0]>) {
  return payload(async () => ({ verification: IdentityVerificationType.from(await work()) }));
}
