import { In, Not } from 'typeorm';
import { RequestContext } from '../../context';
import { BusinessError, ForbiddenError } from '../../graphql/errors';
import { canReachProduct } from '../access/permissions';
import { PaymentMethodEntity } from '../payments/payment-method.entity';
import { ProductEntity, ProductStatus } from '../products/product.entity';
import { DEFAULT_RENEWAL_CONFIG, isTooLateForAutoRenew, RenewalConfig } from '../../calc/renewal-schedule';
import { RenewalErrorCode } from './renewal.errors';
import type { PaymentMethodService } from '../payments/payment-method.service';

export interface AutoRenewResult {
  product: ProductEntity;
  autoRenew: boolean;
  error: BusinessError | null;
}

/** Switching auto-renewal on and off (R9–R13). Charges happen in the renewal sweep. */
export class AutoRenewService {
  constructor(
    private readonly paymentMethods: PaymentMethodService,
    private readonly config: RenewalConfig = DEFAULT_RENEWAL_CONFIG,
  ) {}

  /**
   * R13: for one product, a selection, or all products of the organization (`productIds` null); the
   * result says per product whether it worked. Input faults (unknown ids, a method that cannot
   * auto-renew) fail the whole call; product rules (R12's 14 days) fail only that product.
   */
  async setAutoRenew(
    ctx: RequestContext,
    organizationId: number,
    productIds: number[] | null,
    enabled: boolean,
    paymentMethodId: number | null,
  ): Promise<AutoRenewResult[]> {
    const access = await ctx.access.require(organizationId, 'pay');
    return ctx.transaction(async (ctx) => {
      const products = await this.selectProducts(ctx, organizationId, productIds);
      for (const product of products)
        if (!canReachProduct(access, product.id))
          throw new ForbiddenError('One of these products is not yours to manage.');
      const method =
        enabled && paymentMethodId !== null
          ? await this.requireAutoRenewMethod(ctx, organizationId, paymentMethodId)
          : null;
      const now = ctx.now();
      const results: AutoRenewResult[] = [];
      for (const product of products) {
        const error = enabled ? await this.refusal(ctx, product, method, now) : null;
        if (!error) {
          const changes: Partial<ProductEntity> = enabled
            ? {
                autoRenew: true,
                autoRenewPaymentMethodId: method?.id ?? product.autoRenewPaymentMethodId,
                nextRenewalAttemptAt: null,
                renewalFailures: 0,
              }
            : { autoRenew: false, nextRenewalAttemptAt: null, renewalFailures: 0 };
          await ctx.em.update(ProductEntity, { id: product.id }, changes);
          Object.assign(product, changes);
        }
        results.push({ product, autoRenew: product.autoRenew, error });
      }
      return results;
    });
  }

  private async selectProducts(
    ctx: RequestContext,
    organizationId: number,
    productIds: number[] | null,
  ): Promise<ProductEntity[]> {
    if (productIds === null) {
      return ctx.em.find(ProductEntity, {
        where: { organizationId, status: Not(ProductStatus.CANCELLED) },
        order: { id: 'ASC' },
      });
    }
    // Another organization's product answers like an unknown one (uniform not-found, issue 9).
    const found = productIds.length ? await ctx.em.findBy(ProductEntity, { id: In(productIds), organizationId }) : [];
    if (found.length !== productIds.length)
      throw new BusinessError(RenewalErrorCode.PRODUCT_NOT_FOUND, 'Some product ids are unknown.', [
        'input',
        'productIds',
      ]);
    return productIds.map((id) => found.find((p) => p.id === id) as ProductEntity);
  }

  private async requireAutoRenewMethod(
    ctx: RequestContext,
    organizationId: number,
    paymentMethodId: number,
  ): Promise<PaymentMethodEntity> {
    const method = await this.paymentMethods.requireForPayment(ctx, organizationId, paymentMethodId, [
      'input',
      'paymentMethodId',
    ]);
    if (!method.supportsAutoRenewal) {
      throw new BusinessError(
        RenewalErrorCode.AUTO_RENEW_METHOD_UNSUPPORTED,
        'Auto-renewal needs a card (Visa, Mastercard, CB) or a Twint profile (R9).',
        ['input', 'paymentMethodId'],
      );
    }
    return method;
  }

  /** Why auto-renewal cannot be switched on for this product, or null (R9, R12). */
  private async refusal(
    ctx: RequestContext,
    product: ProductEntity,
    method: PaymentMethodEntity | null,
    now: Date,
  ): Promise<BusinessError | null> {
    const field = ['input', 'productIds'];
    if (product.status !== ProductStatus.ACTIVE)
      return new BusinessError(
        RenewalErrorCode.PRODUCT_NOT_ACTIVE,
        `${product.name} is ${product.status.toLowerCase()}: only active products renew automatically.`,
        field,
      );
    if (isTooLateForAutoRenew(product.expiresAt, now, this.config)) {
      return new BusinessError(
        RenewalErrorCode.AUTO_RENEW_TOO_LATE,
        `${product.name} expires in fewer than ${this.config.leadDays} days: renew (pay) it first, then switch auto-renewal on.`,
        field,
      );
    }
    if (method) return null;
    const current = product.autoRenewPaymentMethodId
      ? await this.paymentMethods.findOwned(ctx, product.organizationId, product.autoRenewPaymentMethodId)
      : null;
    if (current?.supportsAutoRenewal) return null;
    return new BusinessError(
      RenewalErrorCode.PAYMENT_METHOD_REQUIRED,
      `Choose a card or Twint profile to renew ${product.name} with (paymentMethodId).`,
      ['input', 'paymentMethodId'],
    );
  }
}
