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

/**
 * The characters the QR-bill accepts (Swiss Implementation Guidelines, character set: Basic Latin,
 * Latin-1 Supplement, Latin Extended-A, Ș ș Ț ț €); others are dropped so a banking app never refuses the code.
 */
const UNSUPPORTED = /[^\u0020-\u007e\u00a0-\u017f\u0218-\u021b\u20ac]/gu;

/** `text` within the QR-bill character set, spaces collapsed, at most `max` characters. */
export function qrText(text: string, max: number): string {
  return text.normalize('NFC').replace(UNSUPPORTED, '').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** The data swissqrbill encodes: texts within the standard's character set and lengths, the street and number in one field. */
export function qrBillData(view: QrBillView): Data {
  const { creditor } = view;
  const debtor = view.debtor && {
    name: qrText(view.debtor.name, 70),
    address: qrText(view.debtor.address.line1, 70),
    zip: view.debtor.address.postalCode,
    city: qrText(view.debtor.address.city, 35),
    country: view.debtor.address.country,
  };
  // A name or address written entirely outside the character set leaves "Payable by" blank rather than failing.
  const debtorUsable = debtor && debtor.name && debtor.address && debtor.city;
  return {
    currency: view.currency,
    amount: Number(formatDecimal(view.amount)),
    reference: view.reference,
    message: qrText(view.message, 140),
    creditor: {
      account: view.account,
      name: qrText(creditor.name, 70),
      address: qrText(creditor.street, 70),
      zip: creditor.postalCode,
      city: qrText(creditor.city, 35),
      country: creditor.country,
    },
    ...(debtorUsable && { debtor }),
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
