/**
 * Pricing of one invoice line: list price, degressive web-hosting tariff, partner tier
 * discount, VAT (DESIGN R20, R30).
 */
import { assertSafeMinor, toSafeMinor } from './money';
import { applyRate } from './rates';

export interface InvoiceLineInput {
  /** Public (list) price of one unit for the billed period, in minor units. */
  unitListAmount: number;
  /** Number of units; a non-negative integer. */
  quantity: number;
  /** Degressive web-hosting tariff in bp (R30), 0 when it does not apply. */
  degressiveBp: number;
  /** Partner tier discount in bp (R30), 0 for a public-price line. */
  partnerBp: number;
  /** VAT rate in bp (R20), e.g. 810 for Switzerland. */
  vatBp: number;
}

/** Every amount of a priced line, in minor units. */
export interface InvoiceLineAmounts {
  listAmount: number;
  degressiveDiscount: number;
  partnerDiscount: number;
  netAmount: number;
  vatAmount: number;
  grossAmount: number;
}

export interface InvoiceTotals {
  /** Sum of the lines' net amounts, minor units. */
  subtotal: number;
  /** Sum of the lines' VAT amounts, minor units. */
  vat: number;
  /** Sum of the lines' gross amounts (= subtotal + vat), minor units. */
  total: number;
}

/**
 * Prices one invoice line.
 *
 * The discounts cumulate multiplicatively, degressive first:
 * `net = list × (1 − degressive) × (1 − partner)`, rounded half-up to the minor unit once per
 * step (degressive discount, partner discount, VAT). VAT is computed on the line's net
 * amount, never on the invoice total (R20).
 *
 * The order is fixed because rounding at each step makes the two orders differ by a centime
 * on some amounts (e.g. 0.05 at 10 % then 20 % gives 0.03, the other way round 0.04). On the
 * public example of R30 both orders agree: 347.20 → 260.40 → 208.32 here, and
 * 347.20 → 277.76 → 208.32 as the knowledge base words it.
 */
export function computeInvoiceLine(input: InvoiceLineInput): InvoiceLineAmounts {
  const { unitListAmount, quantity, degressiveBp, partnerBp, vatBp } = input;
  assertSafeMinor(unitListAmount, 'unitListAmount');
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new RangeError(`quantity must be a non-negative integer, got ${quantity}`);
  }
  const listAmount = toSafeMinor(BigInt(unitListAmount) * BigInt(quantity), 'listAmount');
  const afterDegressive = listAmount - applyRate(listAmount, degressiveBp);
  const afterPartner = afterDegressive - applyRate(afterDegressive, partnerBp);
  const vatAmount = applyRate(afterPartner, vatBp);
  return {
    listAmount,
    degressiveDiscount: listAmount - afterDegressive,
    partnerDiscount: afterDegressive - afterPartner,
    netAmount: afterPartner,
    vatAmount,
    grossAmount: afterPartner + vatAmount,
  };
}

/**
 * Totals of an invoice from its priced lines: plain sums, no rounding (each line was
 * rounded already), so `total = subtotal + vat` holds exactly. An empty list gives zeros.
 */
export function sumInvoice(
  lines: ReadonlyArray<Pick<InvoiceLineAmounts, 'netAmount' | 'vatAmount' | 'grossAmount'>>,
): InvoiceTotals {
  let subtotal = 0;
  let vat = 0;
  let total = 0;
  for (const line of lines) {
    subtotal += line.netAmount;
    vat += line.vatAmount;
    total += line.grossAmount;
  }
  assertSafeMinor(total, 'invoice total');
  assertSafeMinor(subtotal, 'invoice subtotal');
  return { subtotal, vat, total };
}
