import { RequestContext } from '../../context';
import { formatDecimal } from '../../calc/money';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { OrganizationEntity } from '../organizations/organization.entity';
import { PaymentErrorCode } from '../payments/payment.errors';
import { LedgerEntryEntity, LedgerEntryKind } from './ledger-entry.entity';
import { PrepaidAccountEntity } from './prepaid-account.entity';

/** Which sign each kind of movement must have (ADJUSTMENT goes either way). */
const SIGN: Record<LedgerEntryKind, 1 | -1 | 0> = {
  [LedgerEntryKind.TOP_UP]: 1,
  [LedgerEntryKind.REFUND]: 1,
  // Credited monthly; a refund of a client after crediting takes it back with a negative entry (R30).
  [LedgerEntryKind.CASHBACK]: 0,
  [LedgerEntryKind.COMMISSION]: 1,
  [LedgerEntryKind.PAYMENT]: -1,
  [LedgerEntryKind.ADJUSTMENT]: 0,
};

/**
 * The prepaid ledger (R16, R19): a ledger whose sum is the balance, which never goes negative.
 * Every movement locks the account row first, so concurrent debits of one organization are serialized
 * (a row lock on MySQL/MariaDB, the serialized write transaction on SQLite). Amounts in minor units.
 * Payments debit and credit it; the partner program's monthly cashback payout credits (or takes back) it.
 */
export class PrepaidLedgerService {
  /**
   * Locks the organization's account row for the rest of the caller's transaction, creating it (balance 0,
   * the organization's currency) when absent. Two first-time creators race on INSERT IGNORE: one inserts,
   * both then lock the same row (on MySQL the loser may be a deadlock victim, which ctx.transaction retries).
   */
  async lockAccount(ctx: RequestContext, organizationId: number): Promise<PrepaidAccountEntity> {
    if (!ctx.em.queryRunner?.isTransactionActive) throw new Error('lockAccount must run inside ctx.transaction');
    const lock = writeLock(ctx.em);
    const found = await ctx.em.findOne(PrepaidAccountEntity, { where: { organizationId }, lock });
    if (found) return found;
    const organization = await ctx.em.findOneBy(OrganizationEntity, { id: organizationId });
    if (!organization) throw new BusinessError(CommonErrorCode.NOT_FOUND, `No organization ${organizationId}.`);
    await ctx.em
      .createQueryBuilder()
      .insert()
      .into(PrepaidAccountEntity)
      .values({ organizationId, currency: organization.currency, balance: 0 })
      .orIgnore()
      .execute();
    return ctx.em.findOneOrFail(PrepaidAccountEntity, { where: { organizationId }, lock });
  }

  /**
   * Posts one movement (credit > 0, debit < 0) in the caller's transaction, or its own.
   * @throws BusinessError INSUFFICIENT_PREPAID_BALANCE when the balance would go below zero; INVALID_AMOUNT
   *   for 0, a non-integer or a sign the kind does not allow (PAYMENT debits, TOP_UP/REFUND credit; CASHBACK and ADJUSTMENT go either way).
   */
  async post(
    ctx: RequestContext,
    organizationId: number,
    kind: LedgerEntryKind,
    amount: number,
    reference: string | null,
    paymentId: number | null = null,
  ): Promise<LedgerEntryEntity> {
    if (!Number.isSafeInteger(amount) || amount === 0 || (SIGN[kind] !== 0 && Math.sign(amount) !== SIGN[kind])) {
      throw new BusinessError(
        PaymentErrorCode.INVALID_AMOUNT,
        `A ${kind} ledger entry cannot be ${amount} (minor units).`,
      );
    }
    return ctx.transaction(async (ctx) => {
      const account = await this.lockAccount(ctx, organizationId);
      const balanceAfter = account.balance + amount;
      if (balanceAfter < 0) {
        throw new BusinessError(
          PaymentErrorCode.INSUFFICIENT_PREPAID_BALANCE,
          `The prepaid balance (${formatDecimal(account.balance)} ${account.currency}) does not cover ${formatDecimal(-amount)}.`,
        );
      }
      const entry = await ctx.em.save(
        ctx.em.create(LedgerEntryEntity, {
          organizationId,
          kind,
          amount,
          balanceAfter,
          reference: reference?.slice(0, 255) ?? null,
          paymentId,
          createdAt: ctx.now(),
        }),
      );
      await ctx.em.update(PrepaidAccountEntity, { organizationId }, { balance: balanceAfter });
      return entry;
    });
  }
}
