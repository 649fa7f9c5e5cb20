import { formatIBAN } from 'swissqrbill/utils';
import { Currency } from '../../calc/money';
import { parseVatNumber } from '../../calc/vat-number';
import { OrganizationEntity } from '../organizations/organization.entity';
import { BillingConfig, countryName } from './billing.config';
import { creditorIban } from './creditor.config';
import { amountDueOf } from './invoice-payment.service';
import { InvoicePdfView } from './invoice-pdf';
import { InvoiceLineEntity } from './invoice-line.entity';
import { InvoiceEntity, InvoiceStatus } from './invoice.entity';
import { formatPaymentReference, invoicePaymentReference } from './payment-reference';
import { QrBillView } from './qr-bill';

const REVERSE_CHARGE =
  'Reverse charge: VAT to be accounted for by the recipient (Art. 196 Council Directive 2006/112/EC). Not subject to Swiss VAT.';
const SUPPLY_ABROAD = 'Place of supply abroad (Art. 8 para. 1 MWSTG): not subject to Swiss VAT.';

/** What renderInvoicePdf prints for a stored invoice: provider from configuration, customer = who is billed. */
export function invoicePdfView(
  config: BillingConfig,
  invoice: InvoiceEntity,
  lines: InvoiceLineEntity[],
  billedTo: OrganizationEntity,
): InvoicePdfView {
  const { id, status } = invoice;
  const reference = invoicePaymentReference(config.creditor, {
    id,
    status,
    currency: invoice.currency,
    amountDue: amountDueOf(invoice),
  });
  const currency = invoice.currency as Currency;
  return {
    number: invoice.number,
    status: invoice.status,
    issuedAt: invoice.issuedAt,
    dueAt: invoice.dueAt,
    currency,
    provider: config.provider,
    customer: {
      name: billedTo.name,
      address: addressBlock(billedTo, config.creditor.country),
      country: billedTo.country,
      companyRegistrationId: billedTo.companyRegistrationId,
      vatNumber: billedTo.vatNumber,
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
    vatNote: vatNote(config, lines, billedTo),
    paymentInstructions: reference ? paymentInstructions(config, invoice, reference) : undefined,
    qrBill: reference ? qrBill(config, invoice, billedTo, reference) : undefined,
  };
}

/**
 * The lines under the customer's name in the envelope window: street, second line, postal code and
 * city, and the country in capitals when it is not the sender's. Without an address, what is known: the country.
 */
function addressBlock(org: OrganizationEntity, senderCountry: string): string[] {
  const address = org.billingAddress;
  if (!address) return [countryName(org.country)];
  const lines = [address.line1, address.line2, `${address.postalCode} ${address.city}`];
  if (address.country !== senderCountry) lines.push(countryName(address.country).toUpperCase());
  return lines.filter((line): line is string => !!line);
}

/** R20: outside the VAT table the rate is 0 %; an EU business with a VAT id accounts for it (reverse charge). */
function vatNote(config: BillingConfig, lines: InvoiceLineEntity[], billedTo: OrganizationEntity): string | undefined {
  const untaxed = lines.length > 0 && lines.every((l) => l.vatRateBp === 0);
  if (!untaxed || config.vatTable[billedTo.country] !== undefined) return undefined;
  const vatId = billedTo.vatNumber ? parseVatNumber(billedTo.vatNumber) : null;
  return vatId?.kind === 'EU' ? REVERSE_CHARGE : SUPPLY_ABROAD;
}

function paymentInstructions(config: BillingConfig, invoice: InvoiceEntity, reference: string): string {
  const { creditor } = config;
  const account = `IBAN ${formatIBAN(creditorIban(creditor, invoice.currency))} (${creditor.name})`;
  const quoting = `quoting the reference ${formatPaymentReference(reference)}`;
  return invoice.status === InvoiceStatus.PRO_FORMA
    ? `Bank transfer to ${account}, ${quoting} (the QR-bill below carries it). Bank fees are borne by the customer.`
    : `Pay by ${invoice.dueAt.toISOString().slice(0, 10)} with the QR-bill below (${account}, ${quoting}), or online in the Manager.`;
}

function qrBill(
  config: BillingConfig,
  invoice: InvoiceEntity,
  billedTo: OrganizationEntity,
  reference: string,
): QrBillView {
  return {
    account: creditorIban(config.creditor, invoice.currency),
    creditor: config.creditor,
    currency: invoice.currency as 'CHF' | 'EUR',
    amount: amountDueOf(invoice),
    reference,
    debtor: billedTo.billingAddress ? { name: billedTo.name, address: billedTo.billingAddress } : null,
    message: `Invoice ${invoice.number}`,
  };
}
