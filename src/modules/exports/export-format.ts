import { ExportFormat } from './billing-export.entity';

/** One exported row: one invoice line of a client, amounts in minor units. */
export interface BillingRow {
  partner: string;
  clientId: string;
  clientName: string;
  invoiceNumber: string;
  issueDate: string;
  dueDate: string;
  paidDate: string | null;
  status: string;
  payer: string;
  productId: string | null;
  productType: string | null;
  productName: string | null;
  description: string;
  serviceStart: string | null;
  serviceEnd: string | null;
  quantity: number;
  listAmount: number;
  degressiveDiscount: number;
  partnerDiscount: number;
  netAmount: number;
  vatRateBp: number;
  vatAmount: number;
  grossAmount: number;
  currency: string;
  cashback: number;
}

type Kind = 'text' | 'code' | 'date' | 'int' | 'money' | 'rate';

/** The columns, in order: names as in the CSV header and the JSON Lines keys (README lists them). */
export const COLUMNS: ReadonlyArray<{ name: string; key: keyof BillingRow; kind: Kind }> = [
  { name: 'partner_code', key: 'partner', kind: 'code' },
  { name: 'client_id', key: 'clientId', kind: 'code' },
  { name: 'client_name', key: 'clientName', kind: 'text' },
  { name: 'invoice_number', key: 'invoiceNumber', kind: 'code' },
  { name: 'issue_date', key: 'issueDate', kind: 'date' },
  { name: 'due_date', key: 'dueDate', kind: 'date' },
  { name: 'paid_date', key: 'paidDate', kind: 'date' },
  { name: 'status', key: 'status', kind: 'code' },
  { name: 'payer', key: 'payer', kind: 'code' },
  { name: 'product_id', key: 'productId', kind: 'code' },
  { name: 'product_type', key: 'productType', kind: 'code' },
  { name: 'product_name', key: 'productName', kind: 'text' },
  { name: 'description', key: 'description', kind: 'text' },
  { name: 'service_start', key: 'serviceStart', kind: 'date' },
  { name: 'service_end', key: 'serviceEnd', kind: 'date' },
  { name: 'quantity', key: 'quantity', kind: 'int' },
  { name: 'list_amount', key: 'listAmount', kind: 'money' },
  { name: 'degressive_discount', key: 'degressiveDiscount', kind: 'money' },
  { name: 'partner_discount', key: 'partnerDiscount', kind: 'money' },
  { name: 'net_amount', key: 'netAmount', kind: 'money' },
  { name: 'vat_rate', key: 'vatRateBp', kind: 'rate' },
  { name: 'vat_amount', key: 'vatAmount', kind: 'money' },
  { name: 'gross_amount', key: 'grossAmount', kind: 'money' },
  { name: 'currency', key: 'currency', kind: 'code' },
  { name: 'cashback', key: 'cashback', kind: 'money' },
];

/**
 * Against spreadsheet formula injection (CSV only): a text cell starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return gets a leading apostrophe, which spreadsheets show as text. Only free
 * text (names, descriptions) is touched: amounts are written by us and a negative one stays a number.
 */
export function neutralizeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Minor units as a decimal with two places ("-1.50", "0.05", "1234.00"): the same text as
 * `formatDecimal`, without its string padding, for the export's million-row loops.
 */
export function formatMinor(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a safe integer amount: ${minor}`);
  const negative = minor < 0;
  const abs = negative ? -minor : minor;
  const cents = abs % 100;
  const text = (abs - cents) / 100 + (cents < 10 ? '.0' : '.') + cents;
  return negative ? '-' + text : text;
}

/** Writes rows as text chunks: the header first (CSV), then one chunk per batch. */
export interface RowFormatter {
  readonly contentType: string;
  readonly extension: string;
  header(): string;
  batch(rows: readonly BillingRow[]): string;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One RFC 4180 field, as csv-stringify writes it with its defaults: quoted when it holds a comma, a
 * quote, CR or LF, quotes doubled; null and '' as nothing.
 */
export function csvField(text: string | null): string {
  if (text === null || text === '') return '';
  return NEEDS_QUOTES.test(text) ? '"' + text.replaceAll('"', '""') + '"' : text;
}

const csvText = (text: string | null) => (text === null ? '' : csvField(neutralizeCell(text)));
const money = formatMinor;

/**
 * RFC 4180 (CRLF line ends, quotes doubled, fields with separators quoted), UTF-8, a header row.
 * Hand-written: csv-stringify was the export's bottleneck (BENCHMARKS.md, "Billing export"); the
 * output is byte-identical to it (export-format.spec.ts compares both). Columns in COLUMNS order.
 */
export const csvFormatter: RowFormatter = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  header: () => COLUMNS.map((c) => csvField(c.name)).join(',') + '\r\n',
  batch: (rows) => {
    let out = '';
    for (const r of rows) {
      out +=
        csvField(r.partner) +
        ',' +
        csvField(r.clientId) +
        ',' +
        csvText(r.clientName) +
        ',' +
        csvField(r.invoiceNumber) +
        ',' +
        csvField(r.issueDate) +
        ',' +
        csvField(r.dueDate) +
        ',' +
        csvField(r.paidDate) +
        ',' +
        csvField(r.status) +
        ',' +
        csvField(r.payer) +
        ',' +
        csvField(r.productId) +
        ',' +
        csvField(r.productType) +
        ',' +
        csvText(r.productName) +
        ',' +
        csvText(r.description) +
        ',' +
        csvField(r.serviceStart) +
        ',' +
        csvField(r.serviceEnd) +
        ',' +
        String(r.quantity) +
        ',' +
        money(r.listAmount) +
        ',' +
        money(r.degressiveDiscount) +
        ',' +
        money(r.partnerDiscount) +
        ',' +
        money(r.netAmount) +
        ',' +
        money(r.vatRateBp) +
        ',' +
        money(r.vatAmount) +
        ',' +
        money(r.grossAmount) +
        ',' +
        csvField(r.currency) +
        ',' +
        money(r.cashback) +
        '\r\n';
    }
    return out;
  },
};

/**
 * What JSON.stringify escapes in a string (quote, backslash, control characters, lone surrogates),
 * as the complement of what it leaves alone; any surrogate takes the slow path.
 */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\ud7ff\ue000-\uffff]/;

/** A JSON string: JSON.stringify's text, skipped when nothing needs escaping (most cells). */
const jsonString = (text: string): string => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"');
const jsonText = (text: string | null): string => (text === null ? 'null' : jsonString(text));
/** Money as a JSON string: formatMinor's digits, sign and point need no escaping. */
const jsonMoney = (minor: number): string => '"' + formatMinor(minor) + '"';

/**
 * JSON Lines: one object per line, keys as the CSV header, amounts as decimal strings, null when
 * absent. The same text as JSON.stringify of the object with the keys in COLUMNS order
 * (export-format.spec.ts compares both), written as one template per row: no object, no
 * JSON.stringify per cell.
 */
export const jsonLinesFormatter: RowFormatter = {
  contentType: 'application/x-ndjson; charset=utf-8',
  extension: 'jsonl',
  header: () => '',
  batch: (rows) => {
    let out = '';
    for (const r of rows) {
      out +=
        '{"partner_code":' +
        jsonString(r.partner) +
        ',"client_id":' +
        jsonString(r.clientId) +
        ',"client_name":' +
        jsonString(r.clientName) +
        ',"invoice_number":' +
        jsonString(r.invoiceNumber) +
        ',"issue_date":' +
        jsonString(r.issueDate) +
        ',"due_date":' +
        jsonString(r.dueDate) +
        ',"paid_date":' +
        jsonText(r.paidDate) +
        ',"status":' +
        jsonString(r.status) +
        ',"payer":' +
        jsonString(r.payer) +
        ',"product_id":' +
        jsonText(r.productId) +
        ',"product_type":' +
        jsonText(r.productType) +
        ',"product_name":' +
        jsonText(r.productName) +
        ',"description":' +
        jsonString(r.description) +
        ',"service_start":' +
        jsonText(r.serviceStart) +
        ',"service_end":' +
        jsonText(r.serviceEnd) +
        ',"quantity":' +
        JSON.stringify(r.quantity) +
        ',"list_amount":' +
        jsonMoney(r.listAmount) +
        ',"degressive_discount":' +
        jsonMoney(r.degressiveDiscount) +
        ',"partner_discount":' +
        jsonMoney(r.partnerDiscount) +
        ',"net_amount":' +
        jsonMoney(r.netAmount) +
        ',"vat_rate":' +
        jsonMoney(r.vatRateBp) +
        ',"vat_amount":' +
        jsonMoney(r.vatAmount) +
        ',"gross_amount":' +
        jsonMoney(r.grossAmount) +
        ',"currency":' +
        jsonString(r.currency) +
        ',"cashback":' +
        jsonMoney(r.cashback) +
        '}\n';
    }
    return out;
  },
};

/**
 * Rows per written chunk. A batch of 1,000 rows is one string of 250 KB of CSV or 640 KB of JSON
 * Lines, built from thousands of pieces: V8 flattens it into one large object (outside its young
 * generation) to encode it for the write. Chunks of 200 rows halved the CPU time of formatting and
 * writing 1,000,000 lines to a pipe (BENCHMARKS.md, "Billing export").
 */
const CHUNK_ROWS = 200;

/** A batch's text in chunks of at most CHUNK_ROWS rows, to be written one after the other. */
export function* formatChunks(formatter: RowFormatter, rows: readonly BillingRow[]): Generator<string> {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS)
    yield formatter.batch(rows.slice(start, start + CHUNK_ROWS));
}

export function formatterFor(format: ExportFormat): RowFormatter {
  return format === ExportFormat.CSV ? csvFormatter : jsonLinesFormatter;
}
