/**
 * Prices the lines of an order for its invoice (pure): list price per line, the degressive and
 * partner discounts (0 until partners exist, R30), VAT per line (R20), and the totals.
 */
import { computeInvoiceLine, InvoiceLineAmounts, InvoiceTotals, sumInvoice } from '../../calc/invoice-line';

export interface PricingLine {
  /** List price of one unit for the billed period, minor units. */
  unitListAmount: number;
  quantity?: number;
  /** Degressive web-hosting tariff in bp (R30). */
  degressiveBp?: number;
  /** Partner tier discount in bp when the partner pays (R30). */
  partnerBp?: number;
}

export interface PricedOrder {
  lines: InvoiceLineAmounts[];
  totals: InvoiceTotals;
}

/**
 * Every line priced with computeInvoiceLine at the customer's VAT rate (bp), rounded per line,
 * and the invoice totals as plain sums of the lines.
 */
export function priceOrder(lines: readonly PricingLine[], vatBp: number): PricedOrder {
  const priced = lines.map((line) =>
    computeInvoiceLine({
      unitListAmount: line.unitListAmount,
      quantity: line.quantity ?? 1,
      degressiveBp: line.degressiveBp ?? 0,
      partnerBp: line.partnerBp ?? 0,
      vatBp,
    }),
  );
  return { lines: priced, totals: sumInvoice(priced) };
}
