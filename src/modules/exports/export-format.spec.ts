import { BillingRow, COLUMNS, csvFormatter, jsonLinesFormatter, neutralizeCell } from './export-format';

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
