import { stringify } from 'csv-stringify/sync';
import { formatDecimal } from '../../calc/money';
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

/** A cell as text: decimal point, two decimals for money, percent with two decimals for the VAT rate. */
function cell(row: BillingRow, column: (typeof COLUMNS)[number]): string | null {
  const value = row[column.key];
  if (value === null || value === undefined) return null;
  switch (column.kind) {
    case 'money':
    case 'rate':
      return formatDecimal(value as number);
    case 'int':
      return String(value);
    default:
      return String(value);
  }
}

/** Writes rows as text chunks: the header first (CSV), then one chunk per batch. */
export interface RowFormatter {
  readonly contentType: string;
  readonly extension: string;
  header(): string;
  batch(rows: readonly BillingRow[]): string;
}

/** RFC 4180 (CRLF line ends, quotes doubled, fields with separators quoted), UTF-8, a header row. */
export const csvFormatter: RowFormatter = {
  contentType: 'text/csv; charset=utf-8',
  extension: 'csv',
  header: () => stringify([COLUMNS.map((c) => c.name)], { record_delimiter: 'windows' }),
  batch: (rows) =>
    rows.length === 0
      ? ''
      : stringify(
          rows.map((row) =>
            COLUMNS.map((column) => {
              const text = cell(row, column) ?? '';
              return column.kind === 'text' ? neutralizeCell(text) : text;
            }),
          ),
          { record_delimiter: 'windows' },
        ),
};

/** JSON Lines: one object per line, keys as the CSV header, amounts as decimal strings, null when absent. */
export const jsonLinesFormatter: RowFormatter = {
  contentType: 'application/x-ndjson; charset=utf-8',
  extension: 'jsonl',
  header: () => '',
  batch: (rows) =>
    rows
      .map(
        (row) =>
          JSON.stringify(
            Object.fromEntries(
              COLUMNS.map((column) => [column.name, column.kind === 'int' ? row[column.key] : cell(row, column)]),
            ),
          ) + '\n',
      )
      .join(''),
};

export function formatterFor(format: ExportFormat): RowFormatter {
  return format === ExportFormat.CSV ? csvFormatter : jsonLinesFormatter;
}
