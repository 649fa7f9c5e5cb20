import { stringify } from 'csv-stringify/sync';
import { formatDecimal } from '../../calc/money';
import {
  BillingRow,
  COLUMNS,
  csvFormatter,
  formatChunks,
  formatMinor,
  jsonLinesFormatter,
  neutralizeCell,
} from './export-format';

const row = (overrides: Partial<BillingRow> = {}): BillingRow => ({
  partner: 'PABC',
  clientId: 'T3JnYW5pemF0aW9uOjE',
  clientName: 'Client SA',
  invoiceNumber: '2026-000001',
  issueDate: '2026-03-01',
  dueDate: '2026-03-31',
  paidDate: null,
  status: 'OPEN',
  payer: 'CLIENT',
  productId: null,
  productType: 'WEB_HOSTING',
  productName: null,
  description: 'Web hosting, 1 year',
  serviceStart: '2026-03-01',
  serviceEnd: '2027-02-28',
  quantity: 1,
  listAmount: 12000,
  degressiveDiscount: 0,
  partnerDiscount: 2400,
  netAmount: 9600,
  vatRateBp: 810,
  vatAmount: 778,
  grossAmount: 10378,
  currency: 'CHF',
  cashback: 0,
  ...overrides,
});

describe('neutralizeCell (spreadsheet formula injection)', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+41 22 000 00 00', "'+41 22 000 00 00"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tTab', "'\tTab"],
    ['\rCR', "'\rCR"],
    ['Plain name', 'Plain name'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(neutralizeCell(input)).toBe(expected);
  });
});

describe('csvFormatter (RFC 4180)', () => {
  it('writes the header in the documented order with CRLF', () => {
    expect(csvFormatter.header()).toBe(COLUMNS.map((c) => c.name).join(',') + '\r\n');
  });

  it('quotes separators, doubles quotes, keeps newlines inside quotes, neutralises text cells only', () => {
    const text = csvFormatter.batch([
      row({ clientName: '=HYPERLINK("x"), "Quoted"\nNewline', partnerDiscount: -150, description: '-5% off' }),
    ]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x""), ""Quoted""\nNewline"`);
    expect(text).toContain(`'-5% off`);
    // amounts: decimal point, two decimals; a negative amount stays a number; VAT rate as a percentage
    expect(text).toContain(',120.00,0.00,-1.50,96.00,8.10,7.78,103.78,CHF,0.00\r\n');
    expect(text).toContain(',2026-03-01,2026-03-31,,OPEN,CLIENT,,WEB_HOSTING,,');
  });

  it('writes nothing for an empty batch', () => {
    expect(csvFormatter.batch([])).toBe('');
  });
});

describe('formatChunks', () => {
  it('cuts a batch into chunks of at most 200 rows whose text is the batch’s', () => {
    const rows = Array.from({ length: 450 }, (_, n) => row({ quantity: n }));
    const chunks = [...formatChunks(jsonLinesFormatter, rows)];
    expect(chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([200, 200, 50]);
    expect(chunks.join('')).toBe(jsonLinesFormatter.batch(rows));
    expect([...formatChunks(csvFormatter, [])]).toEqual([]);
  });
});

describe('jsonLinesFormatter', () => {
  it('one object per line, keys as the CSV header, decimal strings, nulls, no neutralisation', () => {
    const lines = jsonLinesFormatter.batch([row({ clientName: '=1+1' }), row()]).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0]);
    expect(Object.keys(first)).toEqual(COLUMNS.map((c) => c.name));
    expect(first).toMatchObject({ client_name: '=1+1', net_amount: '96.00', quantity: 1, paid_date: null });
    expect(jsonLinesFormatter.header()).toBe('');
  });
});

describe('formatMinor (the same text as formatDecimal)', () => {
  it.each([
    0,
    -0,
    1,
    5,
    9,
    10,
    99,
    100,
    101,
    150,
    -1,
    -5,
    -10,
    -150,
    12345678,
    -12345678,
    810,
    Number.MAX_SAFE_INTEGER,
  ])('%d', (minor) => {
    expect(formatMinor(minor)).toBe(formatDecimal(minor));
  });

  it('refuses what is not a safe integer', () => {
    expect(() => formatMinor(1.5)).toThrow();
    expect(() => formatMinor(Number.NaN)).toThrow();
  });
});

describe('the hand-written CSV writer is byte-identical to csv-stringify', () => {
  // What the export wrote with csv-stringify (6.9, defaults, CRLF) before the hand-written writer, except that
  // the old call left a field with a lone LF or CR (and no comma or quote) unquoted, which RFC 4180 readers
  // split into two records: `quote_record_delimiter: true` is the fixed behaviour the writer keeps.
  const viaCsvStringify = (rows: BillingRow[]) =>
    stringify(
      rows.map((row) =>
        COLUMNS.map((column) => {
          const value = row[column.key];
          const text =
            value === null
              ? ''
              : column.kind === 'money' || column.kind === 'rate'
                ? formatDecimal(value as number)
                : String(value);
          return column.kind === 'text' ? neutralizeCell(text) : text;
        }),
      ),
      { record_delimiter: 'windows', quote_record_delimiter: true },
    );
  const tricky = [
    '',
    'plain',
    'a,b',
    'say "hi"',
    'line\nbreak',
    'cr\rhere',
    'crlf\r\nend',
    '"',
    ',',
    '=1+1',
    '-x',
    '@a',
    '\tt',
    'é ü 日本',
    ' lead',
    'trail\r',
    'back\\slash',
    'control \u0001\u001f',
    'lone \ud800 surrogate',
    'pair 😀',
    'separator \u2028',
  ];

  it('header', () => {
    expect(csvFormatter.header()).toBe(stringify([COLUMNS.map((c) => c.name)], { record_delimiter: 'windows' }));
  });

  it.each(tricky)('text cells %j', (text) => {
    const rows = [
      row({
        clientName: text,
        productName: text,
        description: text,
        paidDate: '2026-04-01',
        productId: 'UHJvZHVjdDox',
      }),
      row({ partnerDiscount: -150, cashback: -3, quantity: 12, productName: null }),
    ];
    expect(csvFormatter.batch(rows)).toBe(viaCsvStringify(rows));
  });

  it('JSON Lines equals JSON.stringify of the object', () => {
    const rows = tricky.map((text) =>
      row({ clientName: text, description: text, productName: text, productId: text, cashback: -7 }),
    );
    const expected = rows
      .map(
        (r) =>
          JSON.stringify(
            Object.fromEntries(
              COLUMNS.map((c) => [
                c.name,
                c.kind === 'int'
                  ? r[c.key]
                  : r[c.key] === null
                    ? null
                    : c.kind === 'money' || c.kind === 'rate'
                      ? formatDecimal(r[c.key] as number)
                      : String(r[c.key]),
              ]),
            ),
          ) + '\n',
      )
      .join('');
    expect(jsonLinesFormatter.batch(rows)).toBe(expected);
  });
});
