import { RequestContext } from '../../context';
import { formatDecimal, InvalidAmountError, parseDecimal } from '../../calc/money';
import { PageArgs, paginate } from '../../graphql/connection';
import { BusinessError } from '../../graphql/errors';
import { OrganizationEntity } from '../organizations/organization.entity';
import { requireIdempotencyKey } from '../payments/payment-request';
import { PaymentEntity } from '../payments/payment.entity';
import { PaymentErrorCode } from '../payments/payment.errors';
import { LedgerEntryEntity } from './ledger-entry.entity';
import { PrepaidAccountEntity } from './prepaid-account.entity';
import { DepositLimits, PREPAID_DEPOSIT_LIMITS, TOP_UP_METHOD_KINDS } from './prepaid-limits';
import type { PaymentMethodService } from '../payments/payment-method.service';
import type { PaymentService } from '../payments/payment.service';

/** The balance as the API shows it; an organization that never topped up has 0. */
export interface PrepaidBalance {
  organizationId: number;
  currency: string;
  /** Minor units. */
  balance: number;
}

export interface TopUpInput {
  organizationId: number;
  /** Decimal string in major units, e.g. "50.00". */
  amount: string;
  currency: string;
  paymentMethodId: number;
  idempotencyKey: string;
}

/**
 * The prepaid account as the customer uses it (R16, R19): its balance and entries, and top-ups
 * paid with a stored method. The movements themselves go through PrepaidLedgerService. Amounts in
 * minor units.
 */
export class PrepaidService {
  constructor(
    private readonly paymentMethods: PaymentMethodService,
    private readonly payments: PaymentService,
    readonly limits: DepositLimits = PREPAID_DEPOSIT_LIMITS,
  ) {}

  /** The balance. Needs 'viewBilling' (FORBIDDEN otherwise). */
  async account(ctx: RequestContext, organizationId: number): Promise<PrepaidBalance> {
    await ctx.access.require(organizationId, 'viewBilling');
    const account = await ctx.em.findOneBy(PrepaidAccountEntity, { organizationId });
    if (account) return { organizationId, currency: account.currency, balance: account.balance };
    const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
    return { organizationId, currency: organization.currency, balance: 0 };
  }

  /** Ledger entries, oldest first (keyset on id). Needs 'viewBilling'. */
  async entries(ctx: RequestContext, organizationId: number, page: PageArgs) {
    await ctx.access.require(organizationId, 'viewBilling');
    const query = ctx.em
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .where('e.organizationId = :organizationId', { organizationId });
    return paginate(query, page, (e) => e);
  }

  /** One entry if the viewer has billing rights in its organization, else null. */
  async findAccessibleEntry(ctx: RequestContext, entryId: number): Promise<LedgerEntryEntity | null> {
    const entry = await ctx.em.findOneBy(LedgerEntryEntity, { id: entryId });
    if (!entry) return null;
    const access = await ctx.access.forOrganization(entry.organizationId);
    return access?.billing ? entry : null;
  }

  /**
   * R16: pays a deposit into the prepaid account with a stored card, PostFinance card or IBAN transfer.
   * Card money is credited at once; a transfer stays PENDING (no balance change) until reconciled.
   * Idempotent per key: the same request returns the first payment; another request → IDEMPOTENCY_KEY_REUSED.
   * @throws BusinessError INVALID_INPUT, INVALID_AMOUNT, PREPAID_LIMIT, CURRENCY_NOT_SUPPORTED,
   *   PAYMENT_METHOD_NOT_FOUND, METHOD_NOT_ALLOWED, PAYMENT_DECLINED (a FAILED payment is recorded);
   *   ForbiddenError without 'pay' in the organization or the method's organization.
   */
  async topUp(ctx: RequestContext, input: TopUpInput): Promise<{ account: PrepaidBalance; payment: PaymentEntity }> {
    const { organizationId } = input;
    await ctx.access.require(organizationId, 'pay');
    const idempotencyKey = requireIdempotencyKey(input.idempotencyKey, ['input', 'idempotencyKey']);
    const amount = this.depositAmount(input.amount, input.currency);
    const organization = await ctx.em.findOneByOrFail(OrganizationEntity, { id: organizationId });
    if (input.currency !== organization.currency) {
      throw new BusinessError(
        PaymentErrorCode.CURRENCY_NOT_SUPPORTED,
        `This organization's prepaid account is in ${organization.currency}.`,
        ['input', 'amount', 'currency'],
      );
    }
    const method = await this.paymentMethods.requireForPayment(ctx, organizationId, input.paymentMethodId, [
      'input',
      'paymentMethodId',
    ]);
    if (!TOP_UP_METHOD_KINDS.includes(method.kind)) {
      throw new BusinessError(
        PaymentErrorCode.METHOD_NOT_ALLOWED,
        `The prepaid account is topped up by ${TOP_UP_METHOD_KINDS.join(', ')} only (R16).`,
        ['input', 'paymentMethodId'],
      );
    }
    const outcome = await this.payments.withPayment(ctx, (trx) =>
      this.payments.collectTopUp(trx, {
        organizationId,
        currency: organization.currency as 'CHF' | 'EUR',
        amount,
        paymentMethodId: method.id,
        idempotencyKey,
        fingerprint: `top-up|pm:${method.id}|${amount}`,
        purpose: 'Prepaid top-up',
        fieldPath: ['input'],
      }),
    );
    const payment = await ctx.em.findOneByOrFail(PaymentEntity, { id: outcome.paymentId });
    return { account: await this.account(ctx, organizationId), payment };
  }

  /** A deposit in minor units within the configured bounds. */
  private depositAmount(value: string, currency: string): number {
    const field = ['input', 'amount', 'amount'];
    let minor: number;
    try {
      minor = parseDecimal(value);
    } catch (error) {
      if (error instanceof InvalidAmountError)
        throw new BusinessError(PaymentErrorCode.INVALID_AMOUNT, `${error.message}.`, field);
      throw error;
    }
    if (minor <= 0)
      throw new BusinessError(PaymentErrorCode.INVALID_AMOUNT, 'A deposit must be a positive amount.', field);
    if (minor < this.limits.min || minor > this.limits.max) {
      throw new BusinessError(
        PaymentErrorCode.PREPAID_LIMIT,
        `One deposit is ${formatDecimal(this.limits.min)} to ${formatDecimal(this.limits.max)} ${currency}.`,
        field,
      );
    }
    return minor;
  }
}
