/**
 * Reads an ISO 20022 camt.054 (bank-to-customer debit/credit notification, versions .001.04 to .001.10
 * as Swiss banks send them) with fast-xml-parser: one transaction per TxDtls of each entry, or the
 * entry itself when it has none. Pure: no database. Anything it cannot read with certainty is a
 * Camt054FormatError, so that a malformed file is refused whole.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface BankTransaction {
  /** The bank's reference (AcctSvcrRef of the transaction, else of the entry + its position). */
  bankReference: string;
  direction: 'CRDT' | 'DBIT';
  /** A reversal (RvslInd) of an earlier booking. */
  reversal: boolean;
  /** Booked (BOOK), as opposed to pending or information only. */
  booked: boolean;
  /** Minor units. */
  amount: number;
  currency: string;
  bookingDate: string | null;
  /** The structured creditor reference (QR reference or RF), if the payer quoted one. */
  reference: string | null;
  debtorName: string | null;
  debtorIban: string | null;
  message: string | null;
}

export interface Camt054Notification {
  messageId: string;
  transactions: BankTransaction[];
}

export class Camt054FormatError extends Error {
  constructor(message: string) {
    super(`Not a readable camt.054 file: ${message}`);
    this.name = 'Camt054FormatError';
  }
}

type Node = Record<string, unknown>;

const REPEATED = new Set(['Ntfctn', 'Ntry', 'NtryDtls', 'TxDtls', 'Strd', 'Ustrd']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && REPEATED.has(name),
});

/** @throws Camt054FormatError for anything but a well-formed camt.054 whose credits and debits can all be read */
export function parseCamt054(xml: string): Camt054Notification {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Camt054FormatError(`${valid.err.msg} (line ${valid.err.line}).`);
  let document: Node;
  try {
    document = parser.parse(xml) as Node;
  } catch (error) {
    throw new Camt054FormatError(error instanceof Error ? error.message : String(error));
  }
  const root = child(document.Document, 'BkToCstmrDbtCdtNtfctn');
  if (!root) throw new Camt054FormatError('its root is not Document/BkToCstmrDbtCdtNtfctn (camt.054).');
  const messageId = text(child(root, 'GrpHdr'), 'MsgId');
  if (!messageId) throw new Camt054FormatError('GrpHdr/MsgId is missing.');
  const transactions: BankTransaction[] = [];
  list(root, 'Ntfctn').forEach((notification, n) =>
    list(notification, 'Ntry').forEach((entry, e) =>
      transactions.push(...entryTransactions(entry, `notification ${n + 1}, entry ${e + 1}`)),
    ),
  );
  return { messageId, transactions };
}

function entryTransactions(entry: Node, where: string): BankTransaction[] {
  const details = list(entry, 'NtryDtls').flatMap((d) => list(d, 'TxDtls'));
  const entryRef = text(entry, 'AcctSvcrRef');
  const status = text(entry, 'Sts') ?? text(child(entry, 'Sts'), 'Cd');
  const common = {
    reversal: text(entry, 'RvslInd') === 'true',
    booked: status === 'BOOK',
    bookingDate: text(child(entry, 'BookgDt'), 'Dt') ?? text(child(entry, 'BookgDt'), 'DtTm')?.slice(0, 10) ?? null,
  };
  if (details.length === 0) {
    if (!entryRef) throw new Camt054FormatError(`${where} has no AcctSvcrRef to identify it.`);
    return [
      {
        ...common,
        ...amountOf(entry, where),
        direction: directionOf(entry, where),
        bankReference: entryRef,
        ...remittance({}),
      },
    ];
  }
  return details.map((tx, i) => {
    const at = `${where}, transaction ${i + 1}`;
    const txRef = text(child(tx, 'Refs'), 'AcctSvcrRef');
    const bankReference = txRef ?? (entryRef && (details.length === 1 ? entryRef : `${entryRef}/${i + 1}`));
    if (!bankReference) throw new Camt054FormatError(`${at} has no AcctSvcrRef to identify it.`);
    // The transaction's own amount: TxDtls/Amt (camt.054.001.05 on) or TxDtls/AmtDtls/TxAmt/Amt.
    const txAmount = child(tx, 'Amt') ? tx : child(child(tx, 'AmtDtls'), 'TxAmt');
    const own = txAmount && child(txAmount, 'Amt') ? txAmount : null;
    if (!own && details.length > 1) throw new Camt054FormatError(`${at} has no amount of its own.`);
    return {
      ...common,
      ...amountOf(own ?? entry, at),
      direction: text(tx, 'CdtDbtInd') ? directionOf(tx, at) : directionOf(entry, where),
      bankReference: bankReference.slice(0, 100),
      ...remittance(tx),
    };
  });
}

const AMOUNT = /^(\d{1,15})(?:\.(\d{1,5}))?$/;

function amountOf(node: Node, where: string): { amount: number; currency: string } {
  const amt = child(node, 'Amt');
  const value = typeof amt?.['#text'] === 'string' ? amt['#text'] : '';
  const currency = typeof amt?.['@Ccy'] === 'string' ? amt['@Ccy'] : '';
  const match = AMOUNT.exec(value);
  if (!match || !/^[A-Z]{3}$/.test(currency)) throw new Camt054FormatError(`${where} has no valid Amt with Ccy.`);
  const fraction = (match[2] ?? '').padEnd(5, '0');
  if (fraction.slice(2) !== '000') throw new Camt054FormatError(`${where}: ${value} has more than 2 decimals.`);
  return { amount: Number(match[1]) * 100 + Number(fraction.slice(0, 2)), currency };
}

function directionOf(node: Node, where: string): 'CRDT' | 'DBIT' {
  const value = text(node, 'CdtDbtInd');
  if (value !== 'CRDT' && value !== 'DBIT') throw new Camt054FormatError(`${where} has no CdtDbtInd CRDT or DBIT.`);
  return value;
}

function remittance(tx: Node): Pick<BankTransaction, 'reference' | 'debtorName' | 'debtorIban' | 'message'> {
  const parties = child(tx, 'RltdPties');
  const debtor = child(parties, 'Dbtr');
  const info = child(tx, 'RmtInf');
  const structured = list(info, 'Strd');
  const reference = structured.map((s) => text(child(s, 'CdtrRefInf'), 'Ref')).find((ref) => !!ref) ?? null;
  const unstructured = texts(info, 'Ustrd').join(' ');
  const additional = structured.map((s) => text(s, 'AddtlRmtInf')).find((t) => !!t);
  return {
    reference: reference?.replace(/\s/g, '').slice(0, 35) ?? null,
    debtorName: (text(child(debtor, 'Pty'), 'Nm') ?? text(debtor, 'Nm'))?.slice(0, 140) ?? null,
    debtorIban: text(child(child(parties, 'DbtrAcct'), 'Id'), 'IBAN')?.slice(0, 34) ?? null,
    message: (unstructured || additional || null)?.slice(0, 140) ?? null,
  };
}

function child(node: unknown, name: string): Node | null {
  if (!node || typeof node !== 'object') return null;
  const value = (node as Node)[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  return first && typeof first === 'object' ? (first as Node) : null;
}

function list(node: unknown, name: string): Node[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as Node)[name];
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v): Node => (v && typeof v === 'object' ? (v as Node) : { '#text': v }));
}

/** Every text value of the repeated element `name`. */
function texts(node: unknown, name: string): string[] {
  return list(node, name)
    .map((n) => n['#text'])
    .filter((t): t is string => typeof t === 'string' && t !== '');
}

function text(node: unknown, name: string): string | null {
  if (!node || typeof node !== 'object') return null;
  const value = (node as Node)[name];
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof first === 'string') return first || null;
  if (first && typeof first === 'object' && typeof (first as Node)['#text'] === 'string')
    return ((first as Node)['#text'] as string) || null;
  return null;
}
