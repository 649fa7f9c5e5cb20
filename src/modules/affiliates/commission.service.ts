import { In, LessThanOrEqual } from 'typeorm';
import { commissionAmount, commissionRateBp } from '../../calc/commission';
import { addDays } from '../../calc/periods';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { sweepEach } from '../../jobs/sweep';
import type { InvoiceEvent } from '../billing/billing.events';
import { InvoiceLineEntity } from '../billing/invoice-line.entity';
import { LedgerEntryKind } from '../prepaid/ledger-entry.entity';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import { AffiliateConfig, conversionPpm } from './affiliate.config';
import { AffiliateEntity } from './affiliate.entity';
import { hasPermission } from '../access/permissions';
import { CommissionEntity, CommissionKind, CommissionStatus } from './commission.entity';
import { AffiliatePayoutEntity } from './payout.entity';
import { AffiliateReferralEntity } from './referral.entity';

/** What counts as earned (R35's "cumulative earnings"): confirmed commissions, refunds after payout deducted. */
const EARNED = [CommissionStatus.APPROVED, CommissionStatus.PAID];

/**
 * Commissions of affiliates (R35): earned when a referred customer's invoice is paid inside the
 * window, rejected or reversed when it is refunded, approved after the pending days and paid
 * monthly into the affiliate's prepaid account by the sweep.
 */
export class CommissionService {
  constructor(
    private readonly config: AffiliateConfig,
    private readonly ledger: PrepaidLedgerService,
  ) {}

  /** Sum of the affiliates' APPROVED and PAID commissions (minor units), one statement. */
  async earnings(ctx: RequestContext, affiliateIds: number[]): Promise<Map<number, number>> {
    if (affiliateIds.length === 0) return new Map();
    const rows = await ctx.em
      .createQueryBuilder(CommissionEntity, 'c')
      .select('c.affiliateId', 'affiliateId')
      .addSelect('SUM(c.amount)', 'total')
      .where('c.affiliateId IN (:...affiliateIds)', { affiliateIds })
      .andWhere('c.status IN (:...earned)', { earned: EARNED })
      .groupBy('c.affiliateId')
      .getRawMany<{ affiliateId: number; total: string | number }>();
    return new Map(rows.map((r) => [Number(r.affiliateId), Number(r.total)]));
  }

  /** The current rate of earnings (bp), from the configured tiers. */
  rateOf(earnedMinor: number): number {
    return commissionRateBp(earnedMinor, this.config.tiers);
  }

  /**
   * billing's `paid` listener, in the payment's transaction: an invoice of a referred customer paid
   * inside its window earns one PENDING commission per priced line (its net, VAT excluded) at the
   * affiliate's current rate. Replaying it adds nothing (one commission per line).
   */
  async onInvoicePaid({ ctx, invoice }: InvoiceEvent): Promise<void> {
    const referral = await ctx.em.findOneBy(AffiliateReferralEntity, { organizationId: invoice.organizationId });
    const now = ctx.now();
    if (!referral || now.getTime() > referral.expiresAt.getTime()) return;
    const affiliate = await ctx.em.findOneByOrFail(AffiliateEntity, { id: referral.affiliateId });
    const lines = await ctx.em.find(InvoiceLineEntity, {
      where: { invoiceId: invoice.id },
      order: { position: 'ASC' },
    });
    const rateBp = this.rateOf((await this.earnings(ctx, [affiliate.id])).get(affiliate.id) ?? 0);
    const ppm = conversionPpm(this.config, invoice.currency, affiliate.currency);
    const rows = lines
      .filter((line) => line.productType !== null && line.netAmount > 0)
      .map((line) => ({
        affiliateId: affiliate.id,
        kind: CommissionKind.EARNED,
        customerOrganizationId: referral.organizationId,
        customerNumber: referral.customerNumber,
        invoiceId: invoice.id,
        invoiceLineId: line.id,
        productType: line.productType!,
        baseAmount: line.netAmount,
        baseCurrency: invoice.currency,
        rateBp,
        amount: commissionAmount(line.netAmount, rateBp, ppm),
        currency: affiliate.currency,
        status: CommissionStatus.PENDING,
        createdAt: now,
        availableAt: addDays(now, this.config.pendingDays),
        paidAt: null,
        payoutId: null,
      }))
      .filter((row) => row.amount > 0);
    if (rows.length)
      await ctx.em.createQueryBuilder().insert().into(CommissionEntity).values(rows).orIgnore().execute();
  }

  /**
   * billing's `refunded` listener: the invoice's commissions not yet paid are REJECTED; a paid one
   * gets its negative twin (APPROVED at once), deducted from the next payout. Locks the affiliate
   * first, like the payout, so a commission is never both paid out and rejected.
   */
  async onInvoiceRefunded({ ctx, invoice }: InvoiceEvent): Promise<void> {
    const found = await ctx.em.find(CommissionEntity, {
      select: { id: true, affiliateId: true },
      where: { invoiceId: invoice.id, kind: CommissionKind.EARNED },
    });
    if (found.length === 0) return;
    const affiliateIds = [...new Set(found.map((c) => c.affiliateId))].sort((a, b) => a - b);
    await ctx.em.find(AffiliateEntity, { where: { id: In(affiliateIds) }, lock: writeLock(ctx.em) });
    const commissions = await ctx.em.find(CommissionEntity, {
      where: { invoiceId: invoice.id, kind: CommissionKind.EARNED },
      order: { id: 'ASC' },
    });
    const now = ctx.now();
    const open = commissions.filter(
      (c) => c.status === CommissionStatus.PENDING || c.status === CommissionStatus.APPROVED,
    );
    if (open.length)
      await ctx.em.update(
        CommissionEntity,
        { id: In(open.map((c) => c.id)), status: In([CommissionStatus.PENDING, CommissionStatus.APPROVED]) },
        { status: CommissionStatus.REJECTED },
      );
    const reversals = commissions
      .filter((c) => c.status === CommissionStatus.PAID)
      .map(({ id: _id, ...paid }) => ({
        ...paid,
        kind: CommissionKind.REVERSAL,
        amount: -paid.amount,
        status: CommissionStatus.APPROVED,
        createdAt: now,
        availableAt: now,
        paidAt: null,
        payoutId: null,
      }));
    if (reversals.length)
      await ctx.em.createQueryBuilder().insert().into(CommissionEntity).values(reversals).orIgnore().execute();
  }

  /**
   * The sweep (idempotent, safe on several instances): PENDING commissions due by `now` become
   * APPROVED; then each affiliate whose approved sum reaches the threshold and that was not paid
   * this (UTC) month gets it credited to its prepaid account, and those commissions become PAID.
   * @returns commissions approved plus payouts made
   */
  async approveAndPayDue(ctx: RequestContext, now: Date): Promise<number> {
    const approved = await ctx.transaction((ctx) =>
      ctx.em.update(
        CommissionEntity,
        { status: CommissionStatus.PENDING, availableAt: LessThanOrEqual(now) },
        { status: CommissionStatus.APPROVED },
      ),
    );
    const due = await ctx.em
      .createQueryBuilder(CommissionEntity, 'c')
      .select('c.affiliateId', 'affiliateId')
      .where('c.status = :approved', { approved: CommissionStatus.APPROVED })
      .groupBy('c.affiliateId')
      .having('SUM(c.amount) >= :threshold', { threshold: this.config.payoutThresholdMinor })
      .orderBy('c.affiliateId', 'ASC')
      .getRawMany<{ affiliateId: number }>();
    const paid = await sweepEach(due, ({ affiliateId }) => this.payOut(ctx, Number(affiliateId), now));
    return (approved.affected ?? 0) + paid;
  }

  /** One affiliate's monthly payout, in its own transaction; 0 when already paid this month or below the threshold. */
  private payOut(ctx: RequestContext, affiliateId: number, now: Date): Promise<number> {
    const period = now.toISOString().slice(0, 7);
    return ctx.transaction(async (ctx) => {
      const affiliate = await ctx.em.findOne(AffiliateEntity, { where: { id: affiliateId }, lock: writeLock(ctx.em) });
      if (!affiliate || (await ctx.em.existsBy(AffiliatePayoutEntity, { affiliateId, period }))) return 0;
      const sum = await ctx.em
        .createQueryBuilder(CommissionEntity, 'c')
        .select('SUM(c.amount)', 'total')
        .addSelect('MAX(c.id)', 'lastId')
        .where('c.affiliateId = :affiliateId AND c.status = :approved', {
          affiliateId,
          approved: CommissionStatus.APPROVED,
        })
        .getRawOne<{ total: string | number | null; lastId: number | null }>();
      const total = Number(sum?.total ?? 0);
      if (total < this.config.payoutThresholdMinor) return 0;
      const payout = await ctx.em.save(
        ctx.em.create(AffiliatePayoutEntity, {
          affiliateId,
          period,
          amount: total,
          currency: affiliate.currency,
          ledgerEntryId: null,
          createdAt: now,
        }),
      );
      const entry = await this.ledger.post(
        ctx,
        affiliate.organizationId,
        LedgerEntryKind.COMMISSION,
        total,
        `Affiliate commissions ${period}`,
      );
      await ctx.em.update(AffiliatePayoutEntity, { id: payout.id }, { ledgerEntryId: entry.id });
      await ctx.em.update(
        CommissionEntity,
        { affiliateId, status: CommissionStatus.APPROVED, id: LessThanOrEqual(Number(sum?.lastId)) },
        { status: CommissionStatus.PAID, paidAt: now, payoutId: payout.id },
      );
      return 1;
    });
  }

  /** node(id): the commission when the viewer has billing rights in its affiliate's organization, else null. */
  async findVisible(ctx: RequestContext, id: number): Promise<CommissionEntity | null> {
    const commission = await ctx.em.findOneBy(CommissionEntity, { id });
    const affiliate = commission && (await ctx.em.findOneBy(AffiliateEntity, { id: commission.affiliateId }));
    if (!commission || !affiliate) return null;
    return hasPermission(await ctx.access.forOrganization(affiliate.organizationId), 'viewBilling') ? commission : null;
  }
}
