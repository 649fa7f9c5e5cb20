/**
 * The Swiss QR-bill payment part (Swiss Payment Standards, "Swiss Implementation Guidelines QR-bill")
 * drawn by swissqrbill on a pdfkit document: creditor and account from configuration, the amount
 * due, the debtor's address or a blank "Payable by" box, and the structured reference.
 */
import type { Data } from 'swissqrbill/types';
import { SwissQRBill } from 'swissqrbill/pdf';
import { formatDecimal } from '../../calc/money';
import type { PostalAddress } from '../organizations/address';
import type { BillingCreditor } from './creditor.config';

/** Everything the payment part prints. Amounts in minor units. */
export interface QrBillView {
  /** The account the transfer goes to (CH or LI IBAN, electronic format). */
  account: string;
  creditor: Pick<BillingCreditor, 'name' | 'street' | 'postalCode' | 'city' | 'country'>;
  currency: 'CHF' | 'EUR';
  amount: number;
  /** QR reference (27 digits) for a QR-IBAN, else an RF creditor reference. */
  reference: string;
  /** Null leaves "Payable by" blank for the payer to fill in, as the standard allows. */
  debtor: { name: string; address: PostalAddress } | null;
  /** Unstructured message, e.g. "Invoice 2026-000123" (at most 140 characters). */
  message: string;
}

/** Height of the payment part (105 mm) in points: the bottom of an A4 page it is drawn on. */
export const QR_BILL_HEIGHT = SwissQRBill.height;

/** The data swissqrbill encodes: names cut to the standard's 70 characters, no building number field (it is in line 1). */
export function qrBillData(view: QrBillView): Data {
  const { creditor, debtor } = view;
  return {
    currency: view.currency,
    amount: Number(formatDecimal(view.amount)),
    reference: view.reference,
    message: view.message.slice(0, 140),
    creditor: {
      account: view.account,
      name: creditor.name.slice(0, 70),
      address: creditor.street,
      zip: creditor.postalCode,
      city: creditor.city,
      country: creditor.country,
    },
    ...(debtor && {
      debtor: {
        name: debtor.name.slice(0, 70),
        address: debtor.address.line1,
        zip: debtor.address.postalCode,
        city: debtor.address.city,
        country: debtor.address.country,
      },
    }),
  };
}

/**
 * Draws the payment part at the bottom of the current page, or of a new A4 page when the content
 * reaches into its 105 mm.
 * @throws swissqrbill's ValidationError for data the standard refuses (checked at configuration and input time)
 */
export function drawQrBill(doc: PDFKit.PDFDocument, view: QrBillView): void {
  const bill = new SwissQRBill(qrBillData(view), { language: 'EN' });
  const top = doc.page.height - QR_BILL_HEIGHT;
  if (doc.y > top - 24) doc.addPage();
  bill.attachTo(doc, 0, doc.page.height - QR_BILL_HEIGHT);
}
