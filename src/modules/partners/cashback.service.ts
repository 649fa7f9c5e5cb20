import DataLoader from 'dataloader';
import { EntityManager, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { addDays } from '../../calc/periods';
import { Currency } from '../../calc/money';
import { RequestContext } from '../../context';
import { writeLock } from '../../db/transaction';
import { BusinessError, CommonErrorCode } from '../../graphql/errors';
import { sweepEach } from '../../jobs/sweep';
import type { BillingEventMap } from '../billing/billing.events';
import { InvoiceLineEntity } from '../billing/invoice-line.entity';
import { InvoiceStatus, Payer } from '../billing/invoice.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { LedgerEntryKind } from '../prepaid/ledger-entry.entity';
import type { PrepaidLedgerService } from '../prepaid/prepaid-ledger.service';
import { ProductEntity, ProductStatus, ProductType } from '../products/product.entity';
import {
  cashbackOfLines,
  CashbackTotals,
  coveredLines,
  payoutPeriod,
  summarizeCashback,
  webHostingCount,
} from './cashback-amounts';
import { CashbackEntryEntity, CashbackPayoutEntity, CashbackStatus } from './cashback.entity';
import { ClientRelationshipEntity, RelationshipProductEntity, RelationshipStatus } from './client-relationship.entity';
import { PartnerEntity, PartnerStatus } from './partner.entity';
import { loadManagedFigures } from './partner.loaders';
import { DEFAULT_PARTNER_RULES, PartnerProgramRules, tierForVolume } from '../../calc/partner-pricing';

export interface CashbackConfig {
  /** Days between the client's payment and the cashback becoming available (R30). */
  holdDays: number;
}

export const DEFAULT_CASHBACK_CONFIG: CashbackConfig = { holdDays: 30 };

/**
 * Cashback (R30): a client of an ACTIVE relationship that pays its own invoice at the public price
 * earns its partner the gap to the partner price, line by line for the products the relationship
 * covers; it is PENDING for 30 days, then credited by the monthly payout into the partner's prepaid
 * account. A refund cancels it, or, once credited, takes it back with a negative entry that the next
 * payout deducts. Amounts in minor units of the partner's currency (a client billed in another
 * currency earns nothing: there is no conversion).
 */
export class CashbackService {
  /** One summary loader per request (keyed by the request's loaders). */
  private readonly summaries = new WeakMap<object, DataLoader<number, CashbackTotals>>();

  constructor(
    private readonly ledger: PrepaidLedgerService,
    private readonly config: CashbackConfig = DEFAULT_CASHBACK_CONFIG,
    private readonly rules: PartnerProgramRules = DEFAULT_PARTNER_RULES,
  ) {}

  /** The partner's cashback by state now (Partner.cashback), batched across the partners of a request. */
  summaryOf(ctx: RequestContext, partnerId: number): Promise<CashbackTotals> {
    let loader = this.summaries.get(ctx.loaders);
    if (!loader) this.summaries.set(ctx.loaders, (loader = cashbackSummaryLoader(ctx.em, ctx.now())));
    return loader.load(partnerId);
  }

  /**
   * The partner row behind a Partner the viewer was shown (the request's partner loader, which
   * Organization.partner already primed); NOT_FOUND when it is gone.
   */
  async partnerOrThrow(ctx: RequestContext, partnerId: number): Promise<PartnerEntity> {
    const partner = await ctx.loaders.partner.load(partnerId);
    if (!partner) throw new BusinessError(CommonErrorCode.NOT_FOUND, 'No such partner.');
    return partner;
  }

  /**
   * Billing `paid` listener, in the paying transaction: records the cashback of a client-paid invoice
   * for each ACTIVE relationship of the client (payments after a relationship ended earn nothing).
   * Idempotent per invoice line (a unique key per line).
   */
  async onInvoicePaid({ ctx, invoice }: BillingEventMap['paid']): Promise<void> {
    if (invoice.payer !== Payer.CLIENT) return;
    const relationships = await ctx.em.findBy(ClientRelationshipEntity, {
      clientOrganizationId: invoice.organizationId,
      status: RelationshipStatus.ACTIVE,
    });
    if (!relationships.length) return;
    const partners = await ctx.em.findBy(PartnerEntity, {
      id: In(relationships.map((r) => r.partnerId)),
      status: PartnerStatus.ACTIVE,
    });
    const partnerOrgs = partners.length
      ? await ctx.em.findBy(OrganizationEntity, { id: In(partners.map((p) => p.organizationId)) })
      : [];
    const earning = relationships.filter((r) =>
      partnerOrgs.some((o) => o.id === r.partnerOrganizationId && o.currency === invoice.currency),
    );
    if (!earning.length) return;
    const [lines, listed, activeHostings, figures] = await Promise.all([
      ctx.em.find(InvoiceLineEntity, { where: { invoiceId: invoice.id }, order: { position: 'ASC' } }),
      ctx.em.findBy(RelationshipProductEntity, {
        relationshipId: In(earning.map((r) => r.id)),
        openProductId: Not(IsNull()),
      }),
      ctx.em.find(ProductEntity, {
        select: { id: true },
        where: { organizationId: invoice.organizationId, type: ProductType.WEB_HOSTING, status: ProductStatus.ACTIVE },
      }),
      loadManagedFigures(
        ctx.em,
        earning.map((r) => r.partnerOrganizationId),
      ),
    ]);
    const webHostings = webHostingCount(new Set(activeHostings.map((p) => p.id)), lines);
    const now = ctx.now();
    for (const relationship of earning) {
      const partner = partners.find((p) => p.id === relationship.partnerId) as PartnerEntity;
      const products = new Set(listed.filter((l) => l.relationshipId === relationship.id).map((l) => l.productId));
      const volume = figures.get(relationship.partnerOrganizationId)?.volume ?? 0;
      const partnerBp = tierForVolume(volume, invoice.currency as Currency, this.rules)?.rateBp ?? 0;
      const earned = cashbackOfLines(
        coveredLines(lines, relationship.scope, products),
        partnerBp,
        webHostings,
        this.rules,
      );
      if (!earned.length) continue;
      await ctx.em
        .createQueryBuilder()
        .insert()
        .into(CashbackEntryEntity)
        .values(
          earned.map(({ lineId, amount }) => ({
            entryKey: `line:${lineId}`,
            partnerId: partner.id,
            partnerOrganizationId: partner.organizationId,
            relationshipId: relationship.id,
            clientOrganizationId: invoice.organizationId,
            invoiceId: invoice.id,
            invoiceLineId: lineId,
            currency: invoice.currency,
            amount,
            status: CashbackStatus.PENDING,
            reversesEntryId: null,
            availableAt: addDays(now, this.config.holdDays),
            payoutId: null,
            settledAt: null,
            createdAt: now,
          })),
        )
        .orIgnore()
        .execute();
    }
  }

  /**
   * Billing `refunded` listener, in the refunding transaction: the invoice's cashback not yet credited
   * is cancelled; what was credited gets a negative entry, due at once (the next payout deducts it).
   */
  async onInvoiceRefunded({ ctx, invoice, previousStatus }: BillingEventMap['refunded']): Promise<void> {
    if (previousStatus !== InvoiceStatus.PAID || invoice.payer !== Payer.CLIENT) return;
    const entries = await ctx.em.find(CashbackEntryEntity, {
      where: { invoiceId: invoice.id, reversesEntryId: IsNull() },
      lock: writeLock(ctx.em),
    });
    const now = ctx.now();
    const pending = entries.filter((e) => e.status === CashbackStatus.PENDING);
    if (pending.length) {
      await ctx.em.update(
        CashbackEntryEntity,
        { id: In(pending.map((e) => e.id)) },
        { status: CashbackStatus.CANCELLED, settledAt: now },
      );
    }
    const credited = entries.filter((e) => e.status === CashbackStatus.CREDITED);
    if (!credited.length) return;
    await ctx.em
      .createQueryBuilder()
      .insert()
      .into(CashbackEntryEntity)
      .values(
        credited.map((e) => ({
          ...e,
          id: undefined,
          entryKey: `reversal:${e.id}`,
          amount: -e.amount,
          status: CashbackStatus.PENDING,
          reversesEntryId: e.id,
          availableAt: now,
          payoutId: null,
          settledAt: null,
          createdAt: now,
        })),
      )
      .orIgnore()
      .execute();
  }

  /**
   * The monthly payout (a sweep): for each partner with cashback available at `now`, at most once per
   * calendar month, credits the net of its available entries (credits minus reversals) into its prepaid
   * account as ONE ledger entry, and marks them CREDITED. Each partner in its own transaction, under
   * its prepaid account's lock: a second run, here or on another instance, finds the month's payout
   * (unique key `cashback:<partnerId>:<YYYY-MM>`) and changes nothing. A net reversal larger than the
   * balance waits for later cashback (the balance never goes negative, R19). Returns the payouts made.
   */
  async creditDue(ctx: RequestContext, now: Date): Promise<number> {
    const due: Array<{ partnerId: number | string }> = await ctx.em
      .createQueryBuilder(CashbackEntryEntity, 'c')
      .select('DISTINCT c.partnerId', 'partnerId')
      .where('c.status = :pending AND c.availableAt <= :now', { pending: CashbackStatus.PENDING, now })
      .orderBy('c.partnerId', 'ASC')
      .getRawMany();
    const period = payoutPeriod(now);
    return sweepEach(
      due.map((d) => Number(d.partnerId)),
      (partnerId) => ctx.transaction((ctx) => this.creditPartner(ctx, partnerId, period, now)),
    );
  }

  private async creditPartner(ctx: RequestContext, partnerId: number, period: string, now: Date): Promise<number> {
    const partner = await ctx.em.findOneByOrFail(PartnerEntity, { id: partnerId });
    // Lock order of payments: the prepaid account first; every payout of this partner waits here.
    const account = await this.ledger.lockAccount(ctx, partner.organizationId);
    const entries = await ctx.em.find(CashbackEntryEntity, {
      where: { partnerId, status: CashbackStatus.PENDING, availableAt: LessThanOrEqual(now) },
      lock: writeLock(ctx.em),
    });
    const idempotencyKey = `cashback:${partnerId}:${period}`;
    if (!entries.length || (await ctx.em.existsBy(CashbackPayoutEntity, { idempotencyKey }))) return 0;
    const net = entries.reduce((sum, e) => sum + e.amount, 0);
    if (net < 0 && account.balance < -net) return 0;
    const ledgerEntry =
      net === 0
        ? null
        : await this.ledger.post(ctx, partner.organizationId, LedgerEntryKind.CASHBACK, net, `Cashback ${period}`);
    const payout = await ctx.em.save(
      ctx.em.create(CashbackPayoutEntity, {
        idempotencyKey,
        partnerId,
        partnerOrganizationId: partner.organizationId,
        period,
        currency: account.currency,
        amount: net,
        ledgerEntryId: ledgerEntry?.id ?? null,
        createdAt: now,
      }),
    );
    await ctx.em.update(
      CashbackEntryEntity,
      { id: In(entries.map((e) => e.id)) },
      { status: CashbackStatus.CREDITED, payoutId: payout.id, settledAt: now },
    );
    return 1;
  }
}

const DUE = new Date(0);
const NOT_YET = new Date(8.64e15);

/**
 * Each partner's cashback by state at `now` (Partner.cashback), in key order: ONE grouped statement per
 * batch of partners, whatever the number of entries.
 */
export function cashbackSummaryLoader(em: EntityManager, now: Date): DataLoader<number, CashbackTotals> {
  return new DataLoader(async (partnerIds) => {
    const rows: Array<{
      partnerId: number | string;
      status: CashbackStatus;
      due: number | string;
      total: number | string;
    }> = await em
      .createQueryBuilder(CashbackEntryEntity, 'c')
      .select('c.partnerId', 'partnerId')
      .addSelect('c.status', 'status')
      .addSelect('CASE WHEN c.availableAt <= :now THEN 1 ELSE 0 END', 'due')
      .addSelect('CASE WHEN c.amount < 0 THEN 1 ELSE 0 END', 'negative')
      .addSelect('SUM(c.amount)', 'total')
      .where('c.partnerId IN (:...partnerIds)', { partnerIds: [...partnerIds] })
      .setParameter('now', now)
      .groupBy('c.partnerId')
      .addGroupBy('c.status')
      .addGroupBy('due')
      .addGroupBy('negative')
      .getRawMany();
    // Each group sums entries of one state, side of `now` and sign: summarizeCashback reads it as one entry.
    return partnerIds.map((partnerId) =>
      summarizeCashback(
        rows
          .filter((r) => Number(r.partnerId) === partnerId)
          .map((r) => ({ amount: Number(r.total), status: r.status, availableAt: Number(r.due) ? DUE : NOT_YET })),
        now,
      ),
    );
  });
}
