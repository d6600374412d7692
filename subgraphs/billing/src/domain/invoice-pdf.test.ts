import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { type InvoicePdfLine, type InvoicePdfView, renderInvoicePdf } from './invoice-pdf.js';

const jan = (day: number) => new Date(Date.UTC(2025, 0, day));

function line(overrides: Partial<InvoicePdfLine> = {}): InvoicePdfLine {
  return { kind: 'SUBSCRIPTION', description: 'Pro plan', quantity: 1, unitAmountMinor: 4900, amountMinor: 4900, periodStart: jan(1), periodEnd: jan(31), ...overrides };
}

function invoice(overrides: Partial<InvoicePdfView> = {}): InvoicePdfView {
  return {
    number: 'ACME-2025-0042',
    status: 'OPEN',
    currency: 'USD',
    issuedAt: jan(31),
    dueAt: new Date(Date.UTC(2025, 1, 14)),
    paidAt: null,
    periodStart: jan(1),
    periodEnd: jan(31),
    seller: { name: 'Acme Analytics Ltd' },
    billTo: { name: 'Globex Corporation', customerId: 'cus_8f3a' },
    lines: [
      line({ description: 'Pro plan (5 seats)', quantity: 5, unitAmountMinor: 4900, amountMinor: 24500 }),
      line({ kind: 'PRORATION', description: 'Upgrade proration', quantity: null, unitAmountMinor: null, amountMinor: 1234, periodStart: jan(15) }),
      line({ kind: 'USAGE', description: 'API calls over quota', quantity: 12500, unitAmountMinor: 1, amountMinor: 12500 }),
    ],
    subtotalMinor: 38234,
    taxMinor: 3154,
    taxRateBps: 825,
    totalMinor: 41388,
    amountPaidMinor: 10000,
    amountDueMinor: 31388,
    ...overrides,
  };
}

async function pdfText(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const document = await getDocumentProxy(new Uint8Array(pdf));
  const { text, totalPages } = await extractText(document, { mergePages: true });
  return { text: text.replace(/\s+/g, ' '), pages: totalPages };
}

describe('renderInvoicePdf', () => {
  it('renders a PDF naming the invoice, the customer, every line and the totals', async () => {
    const pdf = await renderInvoicePdf(invoice());
    const { text, pages } = await pdfText(pdf);

    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages).toBe(1);
    for (const expected of ['ACME-2025-0042', 'Acme Analytics Ltd', 'Globex Corporation', 'cus_8f3a', 'Pro plan (5 seats)', 'Upgrade proration', 'API calls over quota']) {
      expect(text).toContain(expected);
    }
    // Lines: quantity, unit price, amount.
    expect(text).toContain('5 $49.00 $245.00');
    expect(text).toContain('12,500 $0.01 $125.00');
    expect(text).toContain('$12.34');
    expect(text).toContain('Jan 1, 2025 – Jan 31, 2025');
    // Totals.
    expect(text).toContain('Subtotal $382.34');
    expect(text).toContain('Tax (8.25%) $31.54');
    expect(text).toContain('Total $413.88');
    expect(text).toContain('Amount paid $100.00');
    expect(text).toContain('Amount due $313.88');
    expect(text).toContain('Due Feb 14, 2025');
  });

  it('formats a zero-decimal currency (JPY) without dividing by 100', async () => {
    const { text } = await pdfText(
      await renderInvoicePdf(
        invoice({
          currency: 'JPY',
          lines: [line({ description: 'Starter plan', quantity: 1, unitAmountMinor: 1235, amountMinor: 1235 })],
          subtotalMinor: 1235,
          taxMinor: 124,
          taxRateBps: 1000,
          totalMinor: 1359,
          amountPaidMinor: 0,
          amountDueMinor: 1359,
        }),
      ),
    );

    expect(text).toContain('¥1,235');
    expect(text).toContain('Tax (10%) ¥124');
    expect(text).toContain('Total ¥1,359');
    expect(text).not.toContain('¥12.35');
  });

  it('formats a three-decimal currency (KWD) by its own exponent', async () => {
    const { text } = await pdfText(await renderInvoicePdf(invoice({ currency: 'KWD', totalMinor: 12345 })));
    expect(text).toContain('Total KWD 12.345');
  });

  it('prints DRAFT for an invoice without a number, and stamps it', async () => {
    const { text } = await pdfText(await renderInvoicePdf(invoice({ number: null, status: 'DRAFT', issuedAt: null })));
    expect(text).toContain('Invoice number DRAFT');
    expect(text).toContain('Status Draft');
    expect(text).toContain('Issued -');
  });

  it('stamps a paid invoice PAID and a void one VOID', async () => {
    const paid = await pdfText(await renderInvoicePdf(invoice({ status: 'PAID', paidAt: new Date(Date.UTC(2025, 1, 2)), amountPaidMinor: 41388, amountDueMinor: 0 })));
    expect(paid.text).toContain('PAID');
    expect(paid.text).toContain('Paid Feb 2, 2025');
    expect(paid.text).toContain('Amount due $0.00');

    const voided = await pdfText(await renderInvoicePdf(invoice({ status: 'VOID' })));
    expect(voided.text).toContain('VOID');
    const open = await pdfText(await renderInvoicePdf(invoice()));
    expect(open.text).not.toMatch(/\bPAID\b|\bVOID\b/);
  });

  it('continues the table over as many pages as the lines need', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => line({ kind: 'USAGE', description: `Metered item ${String(i + 1).padStart(3, '0')}`, amountMinor: 100 }));
    const { text, pages } = await pdfText(await renderInvoicePdf(invoice({ lines, subtotalMinor: 20000, taxMinor: 0, taxRateBps: 0, totalMinor: 20000 })));

    expect(pages).toBeGreaterThan(3);
    for (let i = 1; i <= 200; i++) expect(text).toContain(`Metered item ${String(i).padStart(3, '0')}`);
    expect(text).toContain(`page ${pages} of ${pages}`);
    expect(text.match(/Description Period Qty Unit price Amount/g)).toHaveLength(pages);
    expect(text).toContain('Total $200.00');
  });

  it('cuts a description too long for one page instead of looping', async () => {
    const description = 'very long description '.repeat(400);
    const { pages } = await pdfText(await renderInvoicePdf(invoice({ lines: [line({ description })] })));
    expect(pages).toBe(1);
  });

  it('renders the same bytes for the same invoice', async () => {
    const first = await renderInvoicePdf(invoice());
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await renderInvoicePdf(invoice());
    expect(second.equals(first)).toBe(true);
  });

  it('replaces characters the built-in fonts cannot draw and names such a currency by its code', async () => {
    const { text } = await pdfText(await renderInvoicePdf(invoice({ currency: 'INR', billTo: { name: 'Zoë 株式会社', customerId: 'cus_1' }, totalMinor: 150000 })));
    expect(text).toContain('Zoë ????');
    expect(text).toContain('Total INR 1,500.00');
  });
});
