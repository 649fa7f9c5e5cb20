import { Currency } from '../../calc/money';
import { OrganizationEntity } from '../organizations/organization.entity';
import { BillingConfig } from './billing.config';
import { amountDueOf } from './invoice-payment.service';
import { InvoicePdfView } from './invoice-pdf';
import { InvoiceLineEntity } from './invoice-line.entity';
import { InvoiceEntity, InvoiceStatus } from './invoice.entity';

/** What renderInvoicePdf prints for a stored invoice: provider from configuration, customer = who is billed. */
export function invoicePdfView(
  config: BillingConfig,
  invoice: InvoiceEntity,
  lines: InvoiceLineEntity[],
  billedTo: OrganizationEntity,
): InvoicePdfView {
  return {
    number: invoice.number,
    status: invoice.status,
    issuedAt: invoice.issuedAt,
    dueAt: invoice.dueAt,
    currency: invoice.currency as Currency,
    provider: config.provider,
    customer: {
      name: billedTo.name,
      address: billedTo.address ?? [],
      country: billedTo.country,
      companyRegistrationId: billedTo.companyRegistrationId,
    },
    lines: lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
      listAmount: l.listAmount,
      degressiveDiscount: l.degressiveDiscount,
      partnerDiscount: l.partnerDiscount,
      netAmount: l.netAmount,
      vatRateBp: l.vatRateBp,
      vatAmount: l.vatAmount,
      grossAmount: l.grossAmount,
    })),
    subtotal: invoice.subtotal,
    vat: invoice.vat,
    total: invoice.total,
    amountDue: amountDueOf(invoice),
    paymentInstructions:
      invoice.status === InvoiceStatus.PRO_FORMA
        ? `${config.bankTransferInstructions} Reference: ${invoice.number}.`
        : undefined,
  };
}
