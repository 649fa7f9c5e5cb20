/**
 * Renders an invoice as an A4 PDF (DESIGN R18) with pdfkit and its built-in Helvetica, so
 * no font file or network access is needed.
 */
import PDFDocument from 'pdfkit';
import { Currency, formatDecimal } from '../../calc/money';
import { rateToPercentString } from '../../calc/rates';
import { drawQrBill, QR_BILL_HEIGHT, QrBillView } from './qr-bill';

/** Everything printed on an invoice. Amounts are minor units; the renderer computes nothing. */
export interface InvoicePdfView {
  number: string;
  /** InvoiceStatus: PRO_FORMA, OPEN, PAID, OVERDUE, VOID, REFUNDED. */
  status: string;
  issuedAt: Date;
  dueAt: Date;
  currency: Currency;
  provider: { name: string; address: string[]; vatNumber: string };
  /** `address`: the lines under the name as a window envelope shows them (street … postal code and city, country abroad). */
  customer: {
    name: string;
    address: string[];
    country: string;
    companyRegistrationId?: string | null;
    vatNumber?: string | null;
  };
  lines: InvoicePdfLine[];
  subtotal: number;
  vat: number;
  total: number;
  amountDue: number;
  /** Shown under the totals, e.g. the IBAN and reference for a pro-forma invoice. */
  paymentInstructions?: string;
  /** The VAT mention under the totals (reverse charge, supply abroad). */
  vatNote?: string;
  /** The Swiss QR-bill payment part, for an invoice payable by transfer. */
  qrBill?: QrBillView;
}

export interface InvoicePdfLine {
  description: string;
  quantity: number;
  /** Dates as YYYY-MM-DD, printed as given. */
  periodStart?: string | null;
  periodEnd?: string | null;
  listAmount: number;
  degressiveDiscount: number;
  partnerDiscount: number;
  netAmount: number;
  vatRateBp: number;
  vatAmount: number;
  grossAmount: number;
}

type Doc = PDFKit.PDFDocument;

const MARGIN = 40;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const TABLE_FONT_SIZE = 8;
const CELL_PADDING = 3;
const PRO_FORMA = 'PRO_FORMA';

interface Column {
  label: string;
  width: number;
  cell: (line: InvoicePdfLine) => string;
}

const money = (minor: number) => formatDecimal(minor);
const discount = (minor: number) => (minor === 0 ? '' : formatDecimal(-minor));
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/** Widths add up to the 515 pt between A4's 40 pt margins. */
const COLUMNS: Column[] = [
  { label: 'Description', width: 145, cell: descriptionCell },
  { label: 'Qty', width: 30, cell: (l) => String(l.quantity) },
  { label: 'List', width: 55, cell: (l) => money(l.listAmount) },
  { label: 'Degressive', width: 50, cell: (l) => discount(l.degressiveDiscount) },
  { label: 'Partner', width: 50, cell: (l) => discount(l.partnerDiscount) },
  { label: 'Net', width: 55, cell: (l) => money(l.netAmount) },
  { label: 'VAT %', width: 30, cell: (l) => rateToPercentString(l.vatRateBp) },
  { label: 'VAT', width: 45, cell: (l) => money(l.vatAmount) },
  { label: 'Gross', width: 55, cell: (l) => money(l.grossAmount) },
];

function descriptionCell(line: InvoicePdfLine): string {
  if (!line.periodStart && !line.periodEnd) return line.description;
  return `${line.description}\n${line.periodStart ?? ''} – ${line.periodEnd ?? ''}`;
}

/**
 * Renders the invoice to a PDF buffer. Streams are left uncompressed and the document title
 * is `Invoice <number>`, so the number can be found in the raw bytes (tests, support greps).
 * Long invoices continue on new pages with the table header repeated; every page carries
 * "Invoice <number> – page i of n".
 */
export function renderInvoicePdf(view: InvoicePdfView): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: false,
    bufferPages: true,
    info: { Title: `Invoice ${view.number}`, Author: view.provider.name, CreationDate: view.issuedAt },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  drawHeader(doc, view);
  drawLines(doc, view.lines);
  drawTotals(doc, view);
  if (view.qrBill) drawQrBill(doc, view.qrBill);
  drawFooters(doc, view.number, !!view.qrBill);
  doc.end();
  return done;
}

/**
 * The recipient's address where a Swiss window envelope (C5/C6, window on the right) shows it:
 * 118 mm from the left edge, 50 mm from the top, 85 mm wide; a one-line return address above it.
 */
const MM = 72 / 25.4;
const WINDOW = { x: 118 * MM, y: 50 * MM, width: 85 * MM };

function drawHeader(doc: Doc, view: InvoicePdfView): void {
  const top = doc.y;
  doc.font(BOLD).fontSize(14).text(view.provider.name, MARGIN, top, { width: 260 });
  doc
    .font(FONT)
    .fontSize(9)
    .text([...view.provider.address, `VAT no. ${view.provider.vatNumber}`].join('\n'));
  const senderBottom = doc.y;

  doc.font(FONT).fontSize(6.5).fillColor('#555555');
  doc.text([view.provider.name, ...view.provider.address].join(', '), WINDOW.x, WINDOW.y, {
    width: WINDOW.width,
    lineBreak: false,
    ellipsis: true,
  });
  doc
    .fillColor('black')
    .font(BOLD)
    .fontSize(10)
    .text(view.customer.name, WINDOW.x, doc.y + 4, { width: WINDOW.width });
  doc.font(FONT).fontSize(10).text(view.customer.address.join('\n'), { width: WINDOW.width });
  const windowBottom = doc.y;

  const proForma = view.status === PRO_FORMA;
  const titleTop = Math.max(senderBottom + 24, WINDOW.y);
  doc
    .font(BOLD)
    .fontSize(18)
    .fillColor(proForma ? '#b00020' : 'black');
  doc.text(proForma ? 'PRO FORMA INVOICE' : 'INVOICE', MARGIN, titleTop, { width: 260 });
  doc.fillColor('black').font(FONT).fontSize(9);
  const facts = [
    `Number: ${view.number}`,
    `Issued: ${isoDate(view.issuedAt)}`,
    `Due: ${isoDate(view.dueAt)}`,
    `Status: ${view.status.replace(/_/g, ' ')}`,
    `Currency: ${view.currency}`,
  ];
  if (view.customer.vatNumber) facts.push(`Your VAT no.: ${view.customer.vatNumber}`);
  if (view.customer.companyRegistrationId) facts.push(`Company ID: ${view.customer.companyRegistrationId}`);
  doc.text(facts.join('\n'), MARGIN, doc.y + 4, { width: 260 });
  if (proForma) {
    doc.moveDown(0.5).font(BOLD).fillColor('#b00020');
    doc.text('Pro forma: a request for payment, not a tax invoice.', { width: 260 });
    doc.fillColor('black');
  }
  doc.x = MARGIN;
  doc.y = Math.max(doc.y, windowBottom) + 24;
}

function cellOptions(i: number) {
  return { width: COLUMNS[i].width - 2 * CELL_PADDING, align: i === 0 ? 'left' : 'right' } as const;
}

function rowHeight(doc: Doc, cells: string[], font: string): number {
  doc.font(font).fontSize(TABLE_FONT_SIZE);
  return Math.max(...cells.map((cell, i) => doc.heightOfString(cell, cellOptions(i)))) + 2 * CELL_PADDING;
}

/** Draws one table row at the current y and moves below it. */
function drawRow(doc: Doc, cells: string[], font: string): void {
  const y = doc.y;
  const height = rowHeight(doc, cells, font);
  let x = MARGIN;
  cells.forEach((cell, i) => {
    doc.text(cell, x + CELL_PADDING, y + CELL_PADDING, cellOptions(i));
    x += COLUMNS[i].width;
  });
  doc.x = MARGIN;
  doc.y = y + height;
}

function rule(doc: Doc, weight: number): void {
  doc
    .moveTo(MARGIN, doc.y)
    .lineTo(doc.page.width - MARGIN, doc.y)
    .lineWidth(weight)
    .stroke();
}

function drawTableHeader(doc: Doc): void {
  drawRow(
    doc,
    COLUMNS.map((c) => c.label),
    BOLD,
  );
  rule(doc, 0.8);
}

function drawLines(doc: Doc, lines: InvoicePdfLine[]): void {
  drawTableHeader(doc);
  for (const line of lines) {
    const cells = COLUMNS.map((c) => c.cell(line));
    if (doc.y + rowHeight(doc, cells, FONT) > doc.page.maxY()) {
      doc.addPage();
      drawTableHeader(doc);
    }
    drawRow(doc, cells, FONT);
    rule(doc, 0.2);
  }
}

/** VAT per rate, in the order the rates first appear, as Swiss invoices must show it. */
function vatByRate(lines: InvoicePdfLine[]): Array<{ bp: number; base: number; vat: number }> {
  const groups = new Map<number, { bp: number; base: number; vat: number }>();
  for (const line of lines) {
    const group = groups.get(line.vatRateBp) ?? { bp: line.vatRateBp, base: 0, vat: 0 };
    group.base += line.netAmount;
    group.vat += line.vatAmount;
    groups.set(line.vatRateBp, group);
  }
  return [...groups.values()];
}

function drawTotals(doc: Doc, view: InvoicePdfView): void {
  const c = view.currency;
  const rows: Array<[string, string, boolean]> = [[`Subtotal (net)`, `${c} ${money(view.subtotal)}`, false]];
  // VAT is rounded per line (R20): each rate shows its net base and the sum of its lines' VAT, not a recomputation.
  for (const group of vatByRate(view.lines)) {
    const label = `VAT ${rateToPercentString(group.bp)} %: sum of line VAT, net ${money(group.base)}`;
    rows.push([label, `${c} ${money(group.vat)}`, false]);
  }
  rows.push([`VAT total`, `${c} ${money(view.vat)}`, false], [`Total`, `${c} ${money(view.total)}`, true]);
  if (view.amountDue !== view.total) rows.push(['Already paid', `${c} ${money(view.total - view.amountDue)}`, false]);
  rows.push(['Amount due', `${c} ${money(view.amountDue)}`, true]);

  const needed = rows.length * 14 + 20 + (view.paymentInstructions ? 60 : 0) + (view.vatNote ? 30 : 0);
  if (doc.y + needed > doc.page.maxY()) doc.addPage();
  const labelX = doc.page.width - MARGIN - 380;
  doc.moveDown(1);
  for (const [label, amount, strong] of rows) {
    const y = doc.y;
    doc.font(strong ? BOLD : FONT).fontSize(10);
    doc.text(label, labelX, y, { width: 280, align: 'right' });
    doc.text(amount, labelX + 280, y, { width: 100, align: 'right' });
    doc.y = Math.max(doc.y, y + 14);
  }
  if (view.vatNote) doc.moveDown(0.5).font(FONT).fontSize(9).text(view.vatNote, MARGIN, doc.y, { width: 515 });
  if (view.paymentInstructions) {
    doc.moveDown(1.5).font(BOLD).fontSize(10).text('Payment', MARGIN, doc.y);
    doc.font(FONT).fontSize(9).text(view.paymentInstructions, { width: 515 });
  }
}

/** The page footer; on the last page above the payment part when there is one. */
function drawFooters(doc: Doc, number: string, paymentPartOnLastPage: boolean): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would otherwise make pdfkit open yet another page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(FONT).fontSize(8).fillColor('#555555');
    const last = i === start + count - 1;
    const y = doc.page.height - (last && paymentPartOnLastPage ? QR_BILL_HEIGHT + 14 : 28);
    doc.text(`Invoice ${number} – page ${i - start + 1} of ${count}`, MARGIN, y, {
      width: doc.page.width - 2 * MARGIN,
      align: 'center',
    });
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}
