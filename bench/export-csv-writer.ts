/**
 * The measurement behind the hand-written CSV writer (R33 allows one only if csv-stringify is the
 * bottleneck): formats the same 200,000 bench-like rows with csv-stringify (as the export called it
 * before) and with `csvFormatter`, twice each, in batches of 1,000. Not a test.
 *
 *   npx ts-node --transpile-only bench/export-csv-writer.ts
 */
import { stringify } from 'csv-stringify/sync';
import { formatDecimal } from '../src/calc/money';
import { BillingRow, COLUMNS, csvFormatter, neutralizeCell } from '../src/modules/exports/export-format';

const row = (i: number): BillingRow => ({
  partner: 'PBENCH',
  clientId: 'T3JnYW5pemF0aW9uOjI',
  clientName: 'Client 1, "Bench" SA',
  invoiceNumber: `2026-${String(i).padStart(7, '0')}`,
  issueDate: '2026-01-01',
  dueDate: '2026-01-31',
  paidDate: '2026-01-01',
  status: 'PAID',
  payer: 'CLIENT',
  productId: 'UHJvZHVjdDox',
  productType: 'WEB_HOSTING',
  productName: 'site-1.ch',
  description: 'Web hosting, 1 year (1)',
  serviceStart: '2026-01-01',
  serviceEnd: '2026-12-31',
  quantity: 1,
  listAmount: 34720,
  degressiveDiscount: 0,
  partnerDiscount: 6944,
  netAmount: 27776,
  vatRateBp: 810,
  vatAmount: 2250,
  grossAmount: 30026,
  currency: 'CHF',
  cashback: 0,
});

const viaCsvStringify = (rows: readonly BillingRow[]) =>
  stringify(
    rows.map((r) =>
      COLUMNS.map((column) => {
        const value = r[column.key];
        const text =
          value === null
            ? ''
            : column.kind === 'money' || column.kind === 'rate'
              ? formatDecimal(value as number)
              : String(value);
        return column.kind === 'text' ? neutralizeCell(text) : text;
      }),
    ),
    { record_delimiter: 'windows' },
  );

const batches = Array.from({ length: 200 }, (_, b) => Array.from({ length: 1000 }, (_, i) => row(b * 1000 + i)));
for (const [name, format] of [
  ['csv-stringify', viaCsvStringify],
  ['hand-written', csvFormatter.batch],
  ['csv-stringify', viaCsvStringify],
  ['hand-written', csvFormatter.batch],
] as const) {
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (const batch of batches) bytes += Buffer.byteLength(format(batch));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    `${name}: ${ms.toFixed(0)} ms for 200,000 rows (${Math.round(200_000 / (ms / 1000)).toLocaleString('en-US')} rows/s), ${bytes} bytes\n`,
  );
}
