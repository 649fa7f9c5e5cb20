/**
 * Cashback arithmetic (R30), pure: what each client-paid invoice line earns its partner, which lines a
 * relationship covers, and the summary by state. Minor units of one currency; rates in bp.
 */
import { ProductType } from '../products/product.entity';
import { CashbackStatus } from './cashback.entity';
import { AccessScope } from './client-relationship.entity';
import {
  cashbackGap,
  DEFAULT_PARTNER_RULES,
  degressiveRateBp,
  partnerLinePrice,
  PartnerProgramRules,
} from '../../calc/partner-pricing';

/** A line of a paid invoice, as stored. */
export interface PaidLine {
  id: number;
  productType: ProductType | null;
  productId: number | null;
  /** Public price of the line (quantity included), minor units. */
  listAmount: number;
  /** What the client paid for it, VAT excluded, minor units. */
  netAmount: number;
}

/**
 * The cashback of each line (lines that earn nothing are left out): the gap between what the client
 * paid (VAT excluded) and the partner price of the same line, `list × (1 − degressive) × (1 − tier)`
 * rounded per line (R20), with the degressive rate for `webHostings` billed to the payer.
 */
export function cashbackOfLines(
  lines: readonly PaidLine[],
  partnerBp: number,
  webHostings: number,
  rules: PartnerProgramRules = DEFAULT_PARTNER_RULES,
): Array<{ lineId: number; amount: number }> {
  return lines
    .map((line) => {
      const degressiveBp = line.productType ? degressiveRateBp(line.productType, webHostings, rules) : 0;
      const price = partnerLinePrice({ unitListAmount: line.listAmount, quantity: 1, degressiveBp, partnerBp });
      return { lineId: line.id, amount: cashbackGap(line.netAmount, price.partnerAmount) };
    })
    .filter((earned) => earned.amount > 0);
}

/**
 * Web hostings billed to the payer when an invoice is paid: its active ones, plus the invoice's web
 * hosting lines for products not among them (new ones, or one being renewed back to life).
 */
export function webHostingCount(activeWebHostingIds: ReadonlySet<number>, lines: readonly PaidLine[]): number {
  const extra = lines.filter(
    (l) => l.productType === ProductType.WEB_HOSTING && (l.productId === null || !activeWebHostingIds.has(l.productId)),
  ).length;
  return activeWebHostingIds.size + extra;
}

/** The lines a relationship covers (R30): all with FULL_ACCOUNT, only its listed products with PRODUCTS. */
export function coveredLines<L extends Pick<PaidLine, 'productId'>>(
  lines: readonly L[],
  scope: AccessScope,
  productIds: ReadonlySet<number>,
): L[] {
  return scope === AccessScope.FULL_ACCOUNT
    ? [...lines]
    : lines.filter((l) => l.productId !== null && productIds.has(l.productId));
}

/** The crediting month of a run at `now` (UTC): one payout per partner and month. */
export function payoutPeriod(now: Date): string {
  return now.toISOString().slice(0, 7);
}

export interface CashbackTotals {
  pending: number;
  available: number;
  credited: number;
  reversed: number;
}

/**
 * The summary by state at `now`: pending = earned and still inside its 30 days; available = past them
 * and not yet credited, net of reversals of credited cashback waiting to be deducted; credited = paid
 * into the prepaid account; reversed = taken back by refunds (cancelled before crediting, or deducted after).
 */
export function summarizeCashback(
  entries: ReadonlyArray<{ amount: number; status: `${CashbackStatus}`; availableAt: Date }>,
  now: Date,
): CashbackTotals {
  const totals: CashbackTotals = { pending: 0, available: 0, credited: 0, reversed: 0 };
  for (const entry of entries) {
    if (entry.amount < 0) totals.reversed -= entry.amount;
    if (entry.status === 'CANCELLED') totals.reversed += entry.amount;
    else if (entry.status === 'CREDITED') totals.credited += Math.max(0, entry.amount);
    else if (entry.availableAt > now) totals.pending += entry.amount;
    else totals.available += entry.amount;
  }
  return totals;
}
