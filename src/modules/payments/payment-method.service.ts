import { IsNull } from 'typeorm';
import { RequestContext } from '../../context';
import { requireText } from '../../common/validate';
import { BusinessError } from '../../graphql/errors';
import { hasPermission } from '../access/permissions';
import { OrganizationEntity } from '../organizations/organization.entity';
import { GatewayError } from './gateway';
import { PaymentMethodEntity, PaymentMethodKind } from './payment-method.entity';
import { PaymentErrorCode } from './payment.errors';
import type { PaymentGateway } from './gateway';
import type { AuditService } from '../audit/audit.service';

/** Stored methods per organization, a guard against runaway scripts. */
export const MAX_PAYMENT_METHODS = 20;

/** Gateway refusals of a token, as userErrors on the input field at fault. */
const TOKENIZE_ERRORS: Record<string, { code: PaymentErrorCode; field: string }> = {
  UNKNOWN_TOKEN: { code: PaymentErrorCode.UNKNOWN_TOKEN, field: 'gatewayToken' },
  KIND_MISMATCH: { code: PaymentErrorCode.KIND_MISMATCH, field: 'kind' },
  CURRENCY_NOT_SUPPORTED: { code: PaymentErrorCode.CURRENCY_NOT_SUPPORTED, field: 'kind' },
};

/** Stored payment methods (R15): only kind, brand, last 4 digits, expiry and the gateway's reference. */
export class PaymentMethodService {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly audit: AuditService,
  ) {}

  /**
   * Tokenizes a payment-form token with the gateway and stores the method. Needs 'pay'.
   * @throws BusinessError METHOD_NOT_ALLOWED (PREPAID), UNKNOWN_TOKEN, KIND_MISMATCH,
   *   CURRENCY_NOT_SUPPORTED (PostFinance outside CHF), TOO_MANY_PAYMENT_METHODS, INVALID_INPUT
   */
  async add(
    ctx: RequestContext,
    organizationId: number,
    kind: PaymentMethodKind,
    gatewayToken: string,
  ): Promise<PaymentMethodEntity> {
    await ctx.access.require(organizationId, 'pay');
    if (kind === PaymentMethodKind.PREPAID) {
      throw new BusinessError(
        PaymentErrorCode.METHOD_NOT_ALLOWED,
        'The prepaid account is not a stored method: top it up with topUpPrepaidAccount.',
        ['input', 'kind'],
      );
    }
    const token = requireText(gatewayToken, ['input', 'gatewayToken'], { max: 200 });
    const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
    const tokenized = await this.gateway
      .tokenize(kind, token, organization.currency as 'CHF' | 'EUR')
      .catch((error: unknown) => {
        const known = error instanceof GatewayError ? TOKENIZE_ERRORS[error.code] : undefined;
        if (known) throw new BusinessError(known.code, (error as GatewayError).message, ['input', known.field]);
        throw error;
      });
    return ctx.transaction(async (ctx) => {
      if ((await ctx.em.countBy(PaymentMethodEntity, { organizationId, removedAt: IsNull() })) >= MAX_PAYMENT_METHODS) {
        throw new BusinessError(
          PaymentErrorCode.TOO_MANY_PAYMENT_METHODS,
          `At most ${MAX_PAYMENT_METHODS} stored payment methods.`,
          ['input'],
        );
      }
      const { brand, last4, expiresOn, gatewayRef, supportsAutoRenewal } = tokenized;
      const method = await ctx.em.save(
        ctx.em.create(PaymentMethodEntity, {
          organizationId,
          kind,
          brand: brand as PaymentMethodEntity['brand'],
          last4,
          expiresOn,
          gatewayRef,
          supportsAutoRenewal,
          createdAt: ctx.now(),
          removedAt: null,
        }),
      );
      await this.audit.record(
        ctx,
        organizationId,
        'payment_method.added',
        `payment_method:${method.id} (${[kind, brand, last4].filter(Boolean).join(' ')})`,
      );
      return method;
    });
  }

  /** The organization's stored methods, oldest first. Needs 'viewBilling' (FORBIDDEN otherwise). */
  async list(ctx: RequestContext, organizationId: number): Promise<PaymentMethodEntity[]> {
    await ctx.access.require(organizationId, 'viewBilling');
    return ctx.em.find(PaymentMethodEntity, { where: { organizationId, removedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** The stored (not removed) method if it belongs to `organizationId`, else null. No access check. */
  findOwned(ctx: RequestContext, organizationId: number, paymentMethodId: number): Promise<PaymentMethodEntity | null> {
    return ctx.em.findOneBy(PaymentMethodEntity, { id: paymentMethodId, organizationId, removedAt: IsNull() });
  }

  /** A method the viewer may see (billing rights in its organization), else null. */
  async findAccessible(ctx: RequestContext, paymentMethodId: number): Promise<PaymentMethodEntity | null> {
    const method = await ctx.em.findOneBy(PaymentMethodEntity, { id: paymentMethodId, removedAt: IsNull() });
    return method && hasPermission(await ctx.access.forOrganization(method.organizationId), 'viewBilling')
      ? method
      : null;
  }

  /**
   * A method id received in a payment mutation: PAYMENT_METHOD_NOT_FOUND when unknown, removed or of
   * any other organization (uniform not-found); FORBIDDEN when the viewer may not pay in its own.
   */
  async requireForPayment(
    ctx: RequestContext,
    organizationId: number,
    paymentMethodId: number,
    field: string[],
  ): Promise<PaymentMethodEntity> {
    const method = await ctx.em.findOneBy(PaymentMethodEntity, { id: paymentMethodId, removedAt: IsNull() });
    const notFound = () =>
      new BusinessError(PaymentErrorCode.PAYMENT_METHOD_NOT_FOUND, 'No such payment method.', field);
    // Unknown, removed, another tenant's or another of the viewer's organizations': the same answer.
    if (method?.organizationId !== organizationId) throw notFound();
    await ctx.access.requireFound(method.organizationId, 'pay', notFound);
    return method;
  }
}
