import type { RequestContext } from '../../context';
import type { ProductType } from '../products/product.entity';
import { Payer } from './invoice.entity';

/** What the resolver needs to know of a line about to be invoiced. Amounts in minor units. */
export interface PayerLine {
  productType: ProductType | null;
  /** The product renewed by the line; null for a product not created yet (a new order). */
  productId: number | null;
  listAmount: number;
}

/** Who pays an invoice about to be issued for `organizationId`, and at which price. */
export interface PayerDecision {
  payer: Payer;
  /** The organization billed: the invoiced organization itself, or its partner (R31). */
  billedToOrganizationId: number;
  /**
   * Per line, in the draft's order: the discounts of the payer in bp (R30), applied to the line's list
   * amount by billing; null when the lines keep the price they came with (the public price).
   */
  lineRates: Array<{ degressiveBp: number; partnerBp: number }> | null;
}

/**
 * Decides the payer of each new invoice (billing asks it in the one place invoices are issued). The
 * partner program implements it; billing only knows this interface, so it imports no partner code.
 */
export interface PayerResolver {
  resolve(
    ctx: RequestContext,
    invoice: { organizationId: number; currency: string; lines: readonly PayerLine[] },
  ): Promise<PayerDecision>;
}

/** Without a partner program every organization pays its own invoices at the public price. */
export const selfPayer: PayerResolver = {
  resolve: async (_ctx, { organizationId }) => ({
    payer: Payer.CLIENT,
    billedToOrganizationId: organizationId,
    lineRates: null,
  }),
};
