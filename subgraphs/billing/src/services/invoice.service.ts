/**
 * Reading invoices and moving them by hand: finalise a draft, void, mark
 * uncollectible, and render the PDF. Payments move invoices to PAID (see
 * payment.service.ts); the billing run creates them.
 */
import { afterCursor, type Identity, NotFoundError, type Page, type PageArgs, pageRequest, toPageBy } from '@platform/core';
import { billingTables as b, isUuid, type Tx } from '@platform/db';
import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import { type InvoicePdfView, renderInvoicePdf } from '../domain/invoice-pdf.js';
import type { InvoiceStatus } from '../domain/lifecycle.js';
import { asActor, type BillingDeps, requireTenant } from './deps.js';
import { idempotent } from './idempotency.js';
import { finalizeInvoices, type InvoiceRow, transitionInvoice } from './invoice-writer.js';
import { loadSettings } from './settings.service.js';

export interface InvoiceFilter {
  status?: InvoiceStatus | null;
  customerId?: string | null;
  subscriptionId?: string | null;
}

export interface InvoicePdf {
  filename: string;
  contentType: 'application/pdf';
  base64: string;
  byteLength: number;
}

export class InvoiceService {
  constructor(private readonly deps: BillingDeps) {}

  /** Newest first. */
  list(actor: Identity, filter: InvoiceFilter, args: PageArgs): Promise<Page<InvoiceRow>> {
    const { size, cursor } = pageRequest(args);
    return asActor(this.deps, actor, async (tx) => {
      const conditions: (SQL | undefined)[] = [afterCursor(cursor, b.invoices.createdAt, b.invoices.id, 'desc')];
      if (filter.status) conditions.push(eq(b.invoices.status, filter.status));
      if (filter.customerId) conditions.push(isUuid(filter.customerId) ? eq(b.invoices.customerId, filter.customerId) : sql`false`);
      if (filter.subscriptionId) conditions.push(isUuid(filter.subscriptionId) ? eq(b.invoices.subscriptionId, filter.subscriptionId) : sql`false`);
      const rows = await tx
        .select()
        .from(b.invoices)
        .where(and(...conditions))
        .orderBy(desc(b.invoices.createdAt), desc(b.invoices.id))
        .limit(size + 1);
      return toPageBy(rows, size, (r) => r.createdAt);
    });
  }

  /** DRAFT → OPEN: numbered, due date set, first charge requested. */
  finalize(actor: Identity, id: string, idempotencyKey?: string | null): Promise<InvoiceRow> {
    const tenantId = requireTenant(actor);
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      await idempotent(tx, { tenantId, key: idempotencyKey, operation: 'finalizeInvoice', input: { id }, now }, async () => {
        const invoice = await findInvoice(tx, id, true);
        await finalizeInvoices(tx, [invoice], { tenantId, settings: await loadSettings(tx, tenantId), now, provider: this.deps.paymentProvider });
        return { invoiceId: invoice.id };
      });
      return findInvoice(tx, id);
    });
  }

  /** Void: the invoice was a mistake; nothing is owed and no retries follow. */
  void(actor: Identity, id: string): Promise<InvoiceRow> {
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const invoice = await findInvoice(tx, id, true);
      return transitionInvoice(tx, invoice, 'VOID', now, { voidedAt: now, amountDueMinor: 0, nextPaymentAttemptAt: null });
    });
  }

  /** Uncollectible: still owed, but no longer expected; it can still be paid later. */
  markUncollectible(actor: Identity, id: string): Promise<InvoiceRow> {
    const now = this.deps.now();
    return asActor(this.deps, actor, async (tx) => {
      const invoice = await findInvoice(tx, id, true);
      return transitionInvoice(tx, invoice, 'UNCOLLECTIBLE', now, { markedUncollectibleAt: now, nextPaymentAttemptAt: null });
    });
  }

  pdf(actor: Identity, id: string): Promise<InvoicePdf> {
    return asActor(this.deps, actor, async (tx) => {
      const invoice = await findInvoice(tx, id);
      const lines = await tx.select().from(b.invoiceLines).where(eq(b.invoiceLines.invoiceId, id)).orderBy(asc(b.invoiceLines.position));
      const settings = await loadSettings(tx, invoice.tenantId);
      const [customer] = await tx.select().from(b.customers).where(eq(b.customers.id, invoice.customerId));
      const view: InvoicePdfView = {
        number: invoice.number,
        status: invoice.status as InvoiceStatus,
        currency: invoice.currency,
        issuedAt: invoice.finalizedAt,
        dueAt: invoice.dueAt,
        paidAt: invoice.paidAt,
        periodStart: invoice.periodStart,
        periodEnd: invoice.periodEnd,
        seller: { name: settings.businessName ?? 'Invoice' },
        billTo: { name: customer?.name ?? invoice.customerId, customerId: invoice.customerId },
        lines: lines.map((l) => ({
          kind: l.kind as InvoicePdfView['lines'][number]['kind'],
          description: l.description,
          quantity: l.quantity,
          unitAmountMinor: l.unitAmountMinor,
          amountMinor: l.amountMinor,
          periodStart: l.periodStart,
          periodEnd: l.periodEnd,
        })),
        subtotalMinor: invoice.subtotalMinor,
        taxMinor: invoice.taxMinor,
        taxRateBps: invoice.taxRateBps,
        totalMinor: invoice.totalMinor,
        amountPaidMinor: invoice.amountPaidMinor,
        amountDueMinor: invoice.amountDueMinor,
      };
      const bytes = await renderInvoicePdf(view);
      return { filename: `${invoice.number ?? `draft-${invoice.id}`}.pdf`, contentType: 'application/pdf', base64: bytes.toString('base64'), byteLength: bytes.length };
    });
  }
}

export async function findInvoice(tx: Tx, id: string, forUpdate = false): Promise<InvoiceRow> {
  if (!isUuid(id)) throw new NotFoundError('Invoice', id);
  const query = tx.select().from(b.invoices).where(eq(b.invoices.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw new NotFoundError('Invoice', id);
  return row;
}

