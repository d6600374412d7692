/**
 * Renders an invoice as an A4 PDF (pdfkit, built-in Helvetica: no font files).
 * Pure: the caller loads the invoice into an `InvoicePdfView`; the same view
 * always renders to the same bytes, because the creation date (which pdfkit
 * also hashes into the file ID) comes from the invoice, never the clock.
 */
import PDFDocument from 'pdfkit';
import { formatMoney } from './money.js';

export type InvoicePdfStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'VOID' | 'UNCOLLECTIBLE';
export type InvoicePdfLineKind = 'SUBSCRIPTION' | 'PRORATION' | 'USAGE' | 'TAX';

export interface InvoicePdfLine {
  kind: InvoicePdfLineKind;
  description: string;
  quantity: number | null;
  unitAmountMinor: number | null;
  amountMinor: number;
  periodStart: Date | null;
  periodEnd: Date | null;
}

export interface InvoicePdfView {
  /** Null for a draft, which prints "DRAFT" instead. */
  number: string | null;
  status: InvoicePdfStatus;
  /** ISO 4217 code. */
  currency: string;
  issuedAt: Date | null;
  dueAt: Date | null;
  paidAt: Date | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  /** The tenant. */
  seller: { name: string };
  billTo: { name: string; customerId: string };
  lines: InvoicePdfLine[];
  subtotalMinor: number;
  taxMinor: number;
  taxRateBps: number;
  totalMinor: number;
  amountPaidMinor: number;
  amountDueMinor: number;
}

const MARGIN = 50;
const FOOTER_SPACE = 30;
const CELL_PADDING = 4;
// Description, period, quantity, unit price, amount: 495 pt, the A4 width inside the margins.
const COLUMNS = [
  { title: 'Description', width: 180, align: 'left' },
  { title: 'Period', width: 130, align: 'left' },
  { title: 'Qty', width: 50, align: 'right' },
  { title: 'Unit price', width: 62, align: 'right' },
  { title: 'Amount', width: 73, align: 'right' },
] as const;
const TABLE_WIDTH = COLUMNS.reduce((sum, column) => sum + column.width, 0);
/** A cell longer than this many lines is cut with an ellipsis, so one row always fits a page. */
const MAX_CELL_LINES = 6;
const WATERMARK_COLORS: Partial<Record<InvoicePdfStatus, string>> = { PAID: '#1a7f37', VOID: '#cf222e', DRAFT: '#8c959f' };
const STATUS_LABELS: Record<InvoicePdfStatus, string> = { DRAFT: 'Draft', OPEN: 'Open', PAID: 'Paid', VOID: 'Void', UNCOLLECTIBLE: 'Uncollectible' };

export async function renderInvoicePdf(view: InvoicePdfView): Promise<Buffer> {
  const money = moneyFormatter(view.currency);
  const title = view.number ? `Invoice ${view.number}` : 'Draft invoice';
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN + FOOTER_SPACE, left: MARGIN, right: MARGIN },
    bufferPages: true, // footers ("page i of n") are written once the page count is known
    autoFirstPage: false, // the watermark listener must see the first page too
    info: { Title: pdfText(title), Author: pdfText(view.seller.name), CreationDate: view.issuedAt ?? new Date(0) },
  });
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.on('pageAdded', () => drawWatermark(doc, view.status));
  doc.addPage();
  drawHeading(doc, view);
  drawLines(doc, view.lines, money);
  drawTotals(doc, view, money);
  drawFooters(doc, view.number ?? 'DRAFT');
  doc.end();
  return finished;
}

function drawHeading(doc: PDFKit.PDFDocument, view: InvoicePdfView): void {
  const right = doc.page.width - MARGIN;
  doc.font('Helvetica-Bold').fontSize(18).fillColor('black').text(pdfText(view.seller.name), MARGIN, MARGIN, { width: 280 });
  doc.font('Helvetica-Bold').fontSize(22).text('INVOICE', right - 200, MARGIN, { width: 200, align: 'right' });
  doc.font('Helvetica').fontSize(11).text(pdfText(view.number ?? 'DRAFT'), right - 200, doc.y, { width: 200, align: 'right' });

  const top = Math.max(doc.y, MARGIN + 40) + 20;
  doc.font('Helvetica-Bold').fontSize(10).text('Bill to', MARGIN, top);
  doc.font('Helvetica').text(pdfText(view.billTo.name), { width: 250 });
  doc.fillColor('#57606a').text(`Customer ID: ${pdfText(view.billTo.customerId)}`, { width: 250 }).fillColor('black');
  const billToBottom = doc.y;

  const facts: [string, string][] = [
    ['Invoice number', view.number ?? 'DRAFT'],
    ['Status', STATUS_LABELS[view.status]],
    ['Issued', formatDate(view.issuedAt)],
    ['Due', formatDate(view.dueAt)],
  ];
  if (view.paidAt) facts.push(['Paid', formatDate(view.paidAt)]);
  if (view.periodStart || view.periodEnd) facts.push(['Period', formatPeriod(view.periodStart, view.periodEnd)]);
  let y = top;
  for (const [label, value] of facts) {
    doc.font('Helvetica-Bold').text(label, right - 245, y, { width: 90, lineBreak: false });
    doc.font('Helvetica').text(pdfText(value), right - 155, y, { width: 155, align: 'right', lineBreak: false });
    y += 14;
  }
  doc.x = MARGIN;
  doc.y = Math.max(billToBottom, y) + 24;
}

function drawLines(doc: PDFKit.PDFDocument, lines: InvoicePdfLine[], money: (minor: number) => string): void {
  drawTableHeader(doc);
  doc.font('Helvetica').fontSize(9);
  const maxHeight = doc.currentLineHeight(true) * MAX_CELL_LINES;
  const cellOptions = COLUMNS.map((column) => ({ width: column.width - 2 * CELL_PADDING, align: column.align, height: maxHeight, ellipsis: true }));
  for (const line of lines) {
    const cells = [
      pdfText(line.description),
      formatPeriod(line.periodStart, line.periodEnd),
      line.quantity === null ? '' : QUANTITY.format(line.quantity),
      line.unitAmountMinor === null ? '' : money(line.unitAmountMinor),
      money(line.amountMinor),
    ];
    const height = Math.max(...cells.map((cell, i) => Math.min(doc.heightOfString(cell, cellOptions[i]), maxHeight))) + 2 * CELL_PADDING;
    if (doc.y + height > pageBottom(doc)) {
      doc.addPage();
      drawTableHeader(doc);
      doc.font('Helvetica').fontSize(9);
    }
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((cell, i) => {
      doc.text(cell, x + CELL_PADDING, top + CELL_PADDING, cellOptions[i]);
      x += COLUMNS[i]!.width;
    });
    doc.y = top + height;
    doc.moveTo(MARGIN, doc.y).lineTo(MARGIN + TABLE_WIDTH, doc.y).lineWidth(0.5).strokeColor('#d0d7de').stroke();
  }
  doc.x = MARGIN;
}

function drawTableHeader(doc: PDFKit.PDFDocument): void {
  const top = doc.y;
  doc.rect(MARGIN, top, TABLE_WIDTH, 18).fillColor('#f6f8fa').fill().fillColor('black');
  doc.font('Helvetica-Bold').fontSize(9);
  let x = MARGIN;
  for (const column of COLUMNS) {
    doc.text(column.title, x + CELL_PADDING, top + 5, { width: column.width - 2 * CELL_PADDING, align: column.align, lineBreak: false });
    x += column.width;
  }
  doc.y = top + 18;
}

function drawTotals(doc: PDFKit.PDFDocument, view: InvoicePdfView, money: (minor: number) => string): void {
  const rows: [string, string, boolean][] = [
    ['Subtotal', money(view.subtotalMinor), false],
    [`Tax (${PERCENT.format(view.taxRateBps / 100)}%)`, money(view.taxMinor), false],
    ['Total', money(view.totalMinor), true],
    ['Amount paid', money(view.amountPaidMinor), false],
    ['Amount due', money(view.amountDueMinor), true],
  ];
  const rowHeight = 16;
  if (doc.y + 12 + rows.length * rowHeight > pageBottom(doc)) doc.addPage();
  let y = doc.y + 12;
  const labelX = MARGIN + TABLE_WIDTH - 250;
  doc.fontSize(10);
  for (const [label, value, bold] of rows) {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    doc.text(label, labelX, y, { width: 140, lineBreak: false });
    doc.text(value, labelX + 140, y, { width: 110 - CELL_PADDING, align: 'right', lineBreak: false });
    y += rowHeight;
  }
  doc.x = MARGIN;
  doc.y = y;
}

/**
 * A large, faint status word across the page, under the content: a printed
 * page of a void (or paid, or draft) invoice must not pass as payable.
 */
function drawWatermark(doc: PDFKit.PDFDocument, status: InvoicePdfStatus): void {
  const color = WATERMARK_COLORS[status];
  if (!color) return;
  const [x, y] = [doc.x, doc.y];
  const [cx, cy] = [doc.page.width / 2, doc.page.height / 2];
  doc.save().rotate(-35, { origin: [cx, cy] }).fillOpacity(0.1);
  doc.font('Helvetica-Bold').fontSize(120).fillColor(color).text(status, cx - 300, cy - 45, { width: 600, align: 'center', lineBreak: false });
  doc.restore();
  doc.fillColor('black').fillOpacity(1);
  [doc.x, doc.y] = [x, y];
}

function drawFooters(doc: PDFKit.PDFDocument, number: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text below the bottom margin would make pdfkit start a new page.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor('#57606a');
    doc.text(`${pdfText(number)} - page ${i - range.start + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN, {
      width: doc.page.width - 2 * MARGIN,
      align: 'center',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottomMargin;
  }
  doc.fillColor('black');
}

function pageBottom(doc: PDFKit.PDFDocument): number {
  return doc.page.height - doc.page.margins.bottom;
}

const QUANTITY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 4 });
const PERCENT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

function formatDate(date: Date | null): string {
  return date ? DATE.format(date) : '-';
}

function formatPeriod(start: Date | null, end: Date | null): string {
  if (!start && !end) return '';
  return `${formatDate(start)} – ${formatDate(end)}`;
}

// The built-in PDF fonts only encode WinAnsi (Latin-1 plus a few typographic
// marks); pdfkit silently draws wrong glyphs for anything else. Names in other
// scripts would need an embedded font.
const NOT_WIN_ANSI = /[^\n\x20-\x7e\xa0-\xff€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/gu;

/** Text the built-in fonts can draw: anything else becomes '?'. */
function pdfText(text: string): string {
  return text.normalize('NFC').replace(/\t/g, ' ').replace(NOT_WIN_ANSI, '?');
}

/** formatMoney, with a currency symbol the fonts cannot draw (₹, ₩) spelt as its ISO code: "INR 1,500.00". */
function moneyFormatter(currency: string): (amountMinor: number) => string {
  const code = `${currency.toUpperCase()}\u00a0`;
  // en-US always puts the symbol before the digits, so it is the only run to replace.
  const symbol = new RegExp(`${NOT_WIN_ANSI.source}+`, 'u');
  return (amountMinor) => formatMoney(amountMinor, currency).replace(symbol, code);
}
