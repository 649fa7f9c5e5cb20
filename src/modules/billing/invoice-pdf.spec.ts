import { InvoicePdfLine, InvoicePdfView, renderInvoicePdf } from './invoice-pdf';

const line = (i: number): InvoicePdfLine => ({
  description: `Web hosting example-${i}.ch`,
  quantity: 1,
  periodStart: '2026-01-01',
  periodEnd: '2026-12-31',
  listAmount: 34720,
  degressiveDiscount: 8680,
  partnerDiscount: 5208,
  netAmount: 20832,
  vatRateBp: 810,
  vatAmount: 1687,
  grossAmount: 22519,
});

const view = (over: Partial<InvoicePdfView> = {}): InvoicePdfView => ({
  number: '2026-000123',
  status: 'OPEN',
  issuedAt: new Date('2026-01-05T09:00:00Z'),
  dueAt: new Date('2026-02-04T09:00:00Z'),
  currency: 'CHF',
  provider: {
    name: 'Hosting SA',
    address: ['Rue du Test 1', '1227 Carouge', 'Switzerland'],
    vatNumber: 'CHE-123.456.789 TVA',
  },
  customer: {
    name: 'Client Sàrl',
    address: ['Bahnhofstrasse 1', '8001 Zürich'],
    country: 'CH',
    companyRegistrationId: 'CHE-987.654.321',
  },
  lines: [line(1)],
  subtotal: 20832,
  vat: 1687,
  total: 22519,
  amountDue: 22519,
  ...over,
});

const raw = (pdf: Buffer) => pdf.toString('latin1');
const pageCount = (pdf: Buffer) => raw(pdf).match(/\/Type \/Page\b/g)?.length ?? 0;

/**
 * The text drawn with the standard fonts: pdfkit writes each run as a TJ array of hex
 * strings (split where it kerns), one byte per WinAnsi glyph, which latin1 decodes for ASCII.
 */
function shownText(pdf: Buffer): string {
  const runs = raw(pdf).match(/\[[^\]]*\] TJ/g) ?? [];
  const decode = (run: string) =>
    (run.match(/<([0-9a-f]*)>/g) ?? []).map((hex) => Buffer.from(hex.slice(1, -1), 'hex').toString('latin1')).join('');
  return runs.map(decode).join('\n');
}

describe('renderInvoicePdf', () => {
  it('renders a PDF whose title carries the invoice number', async () => {
    const pdf = await renderInvoicePdf(view());
    expect(raw(pdf.subarray(0, 5))).toBe('%PDF-');
    expect(raw(pdf)).toContain('(Invoice 2026-000123)');
    expect(raw(pdf).trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pageCount(pdf)).toBe(1);
  });

  it('writes the lines uncompressed, with the fonts the document declares only', async () => {
    const text = raw(await renderInvoicePdf(view()));
    expect(text).not.toContain('/FlateDecode');
    expect(text).toContain('/BaseFont /Helvetica');
    expect(text).toContain('/BaseFont /Helvetica-Bold');
    expect(text).not.toContain('/FontFile');
  });

  it('paginates a 60-line invoice and repeats the footer on each page', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => line(i + 1));
    const pdf = await renderInvoicePdf(
      view({ lines, subtotal: 60 * 20832, vat: 60 * 1687, total: 60 * 22519, amountDue: 60 * 22519 }),
    );
    expect(raw(pdf.subarray(0, 4))).toBe('%PDF');
    const pages = pageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(5);
    const text = shownText(pdf);
    expect(text).toContain(`page ${pages} of ${pages}`);
    expect(text.match(/Description/g)).toHaveLength(pages);
    expect(text).toContain('Web hosting example-60.ch');
    expect(text).toContain('CHF 13511.40');
  });

  it('shows the parties, dates, lines and totals', async () => {
    const text = shownText(await renderInvoicePdf(view()));
    for (const expected of [
      'Hosting SA',
      'VAT no. CHE-123.456.789 TVA',
      'INVOICE',
      'Number: 2026-000123',
      'Issued: 2026-01-05',
      'Due: 2026-02-04',
      'Status: OPEN',
      'Client Sàrl',
      '8001 Zürich',
      'Company ID: CHE-987.654.321',
      'Web hosting example-1.ch',
      '347.20',
      '-86.80',
      '-52.08',
      '208.32',
      '16.87',
      'VAT 8.1 % on 208.32',
      'CHF 225.19',
      'Amount due',
      'page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('PRO FORMA');
    expect(text).not.toContain('Already paid');
  });

  it('marks a pro-forma invoice and prints the payment instructions', async () => {
    const instructions = 'IBAN CH93 0076 2011 6238 5295 7, reference 2026-000123';
    const text = shownText(await renderInvoicePdf(view({ status: 'PRO_FORMA', paymentInstructions: instructions })));
    expect(text).toContain('PRO FORMA INVOICE');
    expect(text).toContain('Status: PRO FORMA');
    expect(text).toContain(instructions);
  });

  it('shows what prepaid already covered when less is due than the total', async () => {
    const text = shownText(await renderInvoicePdf(view({ amountDue: 20000 })));
    expect(text).toContain('Already paid');
    expect(text).toContain('CHF 25.19');
    expect(text).toContain('CHF 200.00');
  });

  it('sums VAT per rate', async () => {
    const lines = [line(1), line(2), { ...line(3), vatRateBp: 0, vatAmount: 0, grossAmount: 20832 }];
    const text = shownText(await renderInvoicePdf(view({ lines })));
    expect(text).toContain('VAT 8.1 % on 416.64');
    expect(text).toContain('VAT 0 % on 208.32');
  });

  it.each([
    ['no lines', { lines: [], subtotal: 0, vat: 0, total: 0, amountDue: 0 }],
    ['lines without a period', { lines: [{ ...line(1), periodStart: null, periodEnd: null }] }],
    ['a partly prepaid invoice in EUR', { currency: 'EUR' as const, amountDue: 10000 }],
    ['characters outside WinAnsi', { customer: { name: 'Łódź 😀 Ωmega', address: [], country: 'PL' } }],
    ['a very long description', { lines: [{ ...line(1), description: 'kSuite '.repeat(200) }] }],
  ])('renders %s', async (_name, over) => {
    const pdf = await renderInvoicePdf(view(over));
    expect(raw(pdf.subarray(0, 4))).toBe('%PDF');
  });
});
