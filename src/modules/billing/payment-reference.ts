import {
  creditorReference,
  formatCreditorReference,
  formatQrReference,
  isValidCreditorReference,
  isValidQrReference,
  qrReference,
} from '../../calc/qr-reference';
import { BillingCreditor, creditorIban, usesQrReference } from './creditor.config';
import { InvoiceStatus } from './invoice.entity';

/** What a reference pays: an invoice, or a prepaid top-up by bank transfer (its payment). */
export type ReferenceKind = 'INVOICE' | 'TOP_UP';

const KIND_DIGIT: Readonly<Record<ReferenceKind, string>> = { INVOICE: '1', TOP_UP: '2' };
/** The id takes the last 12 digits before the check digit, the kind the one before: 13 in all. */
const ID_DIGITS = 12;
const TAIL = ID_DIGITS + 1;
const QR_BODY = 26;

/**
 * The reference a transfer for `kind` `id` must carry: a QR reference (27 digits) for a QR-IBAN,
 * else an ISO 11649 RF reference. Layout: the bank's prefix, zeros, the kind digit, the id on 12
 * digits, the check digit; unique per invoice and per top-up, stable for the life of the invoice.
 */
export function paymentReferenceFor(kind: ReferenceKind, id: number, prefix: string, qr: boolean): string {
  if (!Number.isSafeInteger(id) || id <= 0 || String(id).length > ID_DIGITS) throw new Error(`bad id ${id}`);
  const tail = `${KIND_DIGIT[kind]}${String(id).padStart(ID_DIGITS, '0')}`;
  if (!qr) return creditorReference(`${prefix}${tail}`);
  return qrReference(`${prefix}${tail.padStart(QR_BODY - prefix.length, '0')}`);
}

/** The reference as printed on the bill: blocks of five (QR) or four (RF). */
export function formatPaymentReference(reference: string): string {
  return reference.startsWith('RF') ? formatCreditorReference(reference) : formatQrReference(reference);
}

/**
 * What a reference from a bank file pays, or null when it is not one of ours: a valid QR or RF
 * reference that starts with `prefix` and carries a kind and an id in the layout above. Both kinds
 * are read whatever the account is now, so references issued before a change of account still match.
 */
export function parsePaymentReference(text: string, prefix: string): { kind: ReferenceKind; id: number } | null {
  const compact = text.replace(/\s/g, '').toUpperCase();
  let body: string;
  if (isValidQrReference(compact)) {
    body = compact.slice(0, QR_BODY);
    if (!/^0*$/.test(body.slice(prefix.length, QR_BODY - TAIL))) return null;
  } else if (isValidCreditorReference(compact)) {
    body = compact.slice(4);
    if (body.length !== prefix.length + TAIL) return null;
  } else return null;
  if (!body.startsWith(prefix)) return null;
  const tail = body.slice(-TAIL);
  const kind = (Object.keys(KIND_DIGIT) as ReferenceKind[]).find((k) => KIND_DIGIT[k] === tail[0]);
  const id = Number(tail.slice(1));
  return kind && /^\d+$/.test(tail.slice(1)) && id > 0 ? { kind, id } : null;
}

/** The reference of `kind` `id` for a transfer in `currency` to the creditor's account for that currency. */
export function creditorReferenceFor(
  creditor: BillingCreditor,
  kind: ReferenceKind,
  id: number,
  currency: string,
): string {
  return paymentReferenceFor(kind, id, creditor.referencePrefix, usesQrReference(creditorIban(creditor, currency)));
}

const PAYABLE = [InvoiceStatus.PRO_FORMA, InvoiceStatus.OPEN, InvoiceStatus.OVERDUE];

/** What decides an invoice's reference; `amountDue` in minor units. */
export interface ReferencedInvoice {
  id: number;
  status: InvoiceStatus;
  currency: string;
  amountDue: number;
}

/** Invoice.paymentReference: set while a transfer can pay the invoice (pro-forma, open or overdue, something due). */
export function invoicePaymentReference(creditor: BillingCreditor, invoice: ReferencedInvoice): string | null {
  if (!PAYABLE.includes(invoice.status) || invoice.amountDue <= 0) return null;
  return creditorReferenceFor(creditor, 'INVOICE', invoice.id, invoice.currency);
}
