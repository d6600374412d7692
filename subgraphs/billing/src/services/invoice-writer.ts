/**
 * Writing invoices, one or thousands at a time: totals and the TAX line,
 * multi-row inserts of invoices and lines, sequential numbers taken as one
 * block under the settings row's lock, finalisation and the first charge
 * request. Subscription mutations write one invoice through here and the
 * billing run writes a batch of hundreds; both get the same invariants
 * (lines add up to the subtotal, subtotal + tax = total, also a CHECK in SQL).
 */
import { billingTables as b, rowsOf, sqlArray, type Tx } from '@platform/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { assertReconciles, BASIS_POINTS, computeTotals, type InvoiceLineKind } from '../domain/invoice-totals.js';
import { assertInvoiceTransition, type InvoiceStatus } from '../domain/lifecycle.js';
import { type BillingEvent, emitMany, type ProducedEventType } from '../events/emit.js';
import { DAY_MS } from './deps.js';
import type { PaymentProvider } from './payment-provider.js';
import type { BillingSettings } from './settings.service.js';

export type InvoiceRow = typeof b.invoices.$inferSelect;
export type InvoiceLineRow = typeof b.invoiceLines.$inferSelect;
export type BillingReason = 'SUBSCRIPTION_CREATE' | 'SUBSCRIPTION_CYCLE' | 'SUBSCRIPTION_UPDATE' | 'SUBSCRIPTION_CANCEL';

export interface DraftLine {
  kind: Exclude<InvoiceLineKind, 'TAX'>;
  description: string;
  priceId?: string | null;
  subscriptionItemId?: string | null;
  quantity?: number | null;
  unitAmountMinor?: number | null;
  amountMinor: number;
  periodStart?: Date | null;
  periodEnd?: Date | null;
}

export interface InvoiceDraft {
  customerId: string;
  subscriptionId: string | null;
  currency: string;
  billingReason: BillingReason;
  periodStart: Date | null;
  periodEnd: Date | null;
  lines: DraftLine[];
  /** Pending items (prorations, carried credit) this invoice bills. */
  pendingItemIds: string[];
}

export interface WriteContext {
  tenantId: string;
  settings: BillingSettings;
  now: Date;
  provider: PaymentProvider;
}

const LINE_CHUNK = 2_000;

/** Inserts the drafts (with their TAX lines) and, when the tenant auto-finalises, finalises and charges them. */
export async function writeInvoices(tx: Tx, drafts: InvoiceDraft[], ctx: WriteContext): Promise<InvoiceRow[]> {
  if (drafts.length === 0) return [];
  const { tenantId, settings, now } = ctx;
  const invoiceRows: (typeof b.invoices.$inferInsert)[] = [];
  const lineRows: (typeof b.invoiceLines.$inferInsert)[] = [];
  const credits: (typeof b.pendingItems.$inferInsert)[] = [];
  for (const draft of drafts) {
    const id = crypto.randomUUID();
    const totals = computeTotals(draft.lines, settings.taxRateBps);
    const lines: (DraftLine | (Omit<DraftLine, 'kind'> & { kind: 'TAX' }))[] = [...draft.lines];
    if (totals.taxMinor !== 0) {
      lines.push({ kind: 'TAX', description: `${settings.taxLabel} (${formatRate(settings.taxRateBps)})`, amountMinor: totals.taxMinor });
    }
    assertReconciles(totals, lines);
    invoiceRows.push({
      id,
      tenantId,
      customerId: draft.customerId,
      subscriptionId: draft.subscriptionId,
      status: 'DRAFT',
      billingReason: draft.billingReason,
      currency: draft.currency,
      periodStart: draft.periodStart,
      periodEnd: draft.periodEnd,
      subtotalMinor: totals.subtotalMinor,
      taxRateBps: settings.taxRateBps,
      taxMinor: totals.taxMinor,
      totalMinor: totals.totalMinor,
      amountDueMinor: totals.amountDueMinor,
      createdAt: now,
      updatedAt: now,
    });
    for (const [position, line] of lines.entries()) {
      lineRows.push({
        tenantId,
        invoiceId: id,
        position,
        kind: line.kind,
        description: line.description,
        priceId: line.priceId ?? null,
        subscriptionItemId: line.subscriptionItemId ?? null,
        quantity: line.quantity ?? null,
        unitAmountMinor: line.unitAmountMinor ?? null,
        amountMinor: line.amountMinor,
        periodStart: line.periodStart ?? null,
        periodEnd: line.periodEnd ?? null,
      });
    }
    // A negative total is owed to the customer: it becomes a credit on the subscription's next invoice.
    if (totals.creditCarriedForwardMinor < 0 && draft.subscriptionId) {
      credits.push({
        tenantId,
        subscriptionId: draft.subscriptionId,
        kind: 'CREDIT',
        description: 'Credit carried forward from a previous invoice',
        amountMinor: totals.creditCarriedForwardMinor,
        currency: draft.currency,
        createdAt: now,
      });
    }
  }
  const inserted = await tx.insert(b.invoices).values(invoiceRows).returning();
  for (let i = 0; i < lineRows.length; i += LINE_CHUNK) await tx.insert(b.invoiceLines).values(lineRows.slice(i, i + LINE_CHUNK));
  const pendingIds = drafts.flatMap((d, i) => d.pendingItemIds.map((pid) => ({ pid, invoiceId: inserted[i]!.id })));
  if (pendingIds.length > 0) {
    await tx.execute(sql`
      UPDATE billing.pending_items p SET invoice_id = v.invoice_id
      FROM unnest(${sqlArray(pendingIds.map((p) => p.pid))}::uuid[], ${sqlArray(pendingIds.map((p) => p.invoiceId))}::uuid[]) AS v(id, invoice_id)
      WHERE p.id = v.id`);
  }
  if (credits.length > 0) await tx.insert(b.pendingItems).values(credits);
  await emitMany(tx, tenantId, inserted.map((inv) => statusEvent(inv, null, now)));
  return settings.autoFinalize ? finalizeInvoices(tx, inserted, ctx) : inserted;
}

/**
 * DRAFT → OPEN: numbers from the tenant's sequence (one block, under the
 * settings row lock, so numbers are gap-free and in finalisation order), the
 * due date from the payment terms, and the first charge request. An invoice
 * with nothing to pay is PAID at once.
 */
export async function finalizeInvoices(tx: Tx, invoices: InvoiceRow[], ctx: WriteContext): Promise<InvoiceRow[]> {
  if (invoices.length === 0) return [];
  for (const invoice of invoices) assertInvoiceTransition(invoice.status as InvoiceStatus, 'OPEN');
  const { tenantId, settings, now } = ctx;
  const [block] = rowsOf<{ next: number }>(
    await tx.execute(sql`
      UPDATE billing.settings SET next_invoice_number = next_invoice_number + ${invoices.length}
      WHERE tenant_id = ${tenantId} RETURNING next_invoice_number - ${invoices.length} AS next`),
  );
  const first = Number(block!.next);
  const dueAt = new Date(now.getTime() + settings.paymentTermsDays * DAY_MS);
  const toCharge = invoices.filter((inv) => inv.amountDueMinor > 0);
  const charges = await Promise.all(
    toCharge.map((inv) =>
      ctx.provider.requestCharge({
        tenantId,
        invoiceId: inv.id,
        customerId: inv.customerId,
        amountMinor: inv.amountDueMinor,
        currency: inv.currency,
        attempt: 1,
        idempotencyKey: `${inv.id}:1`,
      }),
    ),
  );
  const ids = invoices.map((inv) => inv.id);
  const numbers = invoices.map((_, i) => `${settings.invoicePrefix}-${String(first + i).padStart(6, '0')}`);
  const statuses = invoices.map((inv) => (inv.amountDueMinor > 0 ? 'OPEN' : 'PAID'));
  const updated = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      UPDATE billing.invoices i SET number = v.number, status = v.status, finalized_at = ${now.toISOString()}::timestamptz, due_at = ${dueAt.toISOString()}::timestamptz,
        paid_at = CASE WHEN v.status = 'PAID' THEN ${now.toISOString()}::timestamptz END,
        attempt_count = CASE WHEN v.status = 'OPEN' THEN 1 ELSE 0 END, updated_at = ${now.toISOString()}::timestamptz
      FROM unnest(${sqlArray(ids)}::uuid[], ${sqlArray(numbers)}::text[], ${sqlArray(statuses)}::text[]) AS v(id, number, status)
      WHERE i.id = v.id RETURNING i.id`),
  );
  if (updated.length !== invoices.length) throw new Error(`finalised ${updated.length} of ${invoices.length} invoices`);
  if (toCharge.length > 0) {
    await tx.insert(b.payments).values(
      toCharge.map((inv, i) => ({
        tenantId,
        invoiceId: inv.id,
        provider: ctx.provider.name,
        providerPaymentId: charges[i]!.providerPaymentId,
        attempt: 1,
        status: 'PENDING',
        amountMinor: inv.amountDueMinor,
        currency: inv.currency,
        createdAt: now,
      })),
    );
  }
  const finalized = await tx.select().from(b.invoices).where(inArray(b.invoices.id, ids));
  const events: BillingEvent<ProducedEventType>[] = [];
  for (const inv of finalized) {
    events.push(statusEvent(inv, 'DRAFT', now, 'OPEN'));
    if (inv.status === 'PAID') events.push(statusEvent(inv, 'OPEN', now));
  }
  await emitMany(tx, tenantId, events);
  const order = new Map(ids.map((id, i) => [id, i]));
  return finalized.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
}

/**
 * Moves one invoice to another status (checked against the lifecycle) with
 * the given column changes, and records the event.
 */
export async function transitionInvoice(tx: Tx, invoice: InvoiceRow, to: InvoiceStatus, at: Date, set: Partial<InvoiceRow> = {}): Promise<InvoiceRow> {
  assertInvoiceTransition(invoice.status as InvoiceStatus, to);
  const [updated] = await tx
    .update(b.invoices)
    .set({ ...set, status: to, updatedAt: at })
    .where(eq(b.invoices.id, invoice.id))
    .returning();
  await emitMany(tx, invoice.tenantId, [statusEvent(updated!, invoice.status as InvoiceStatus, at)]);
  return updated!;
}

function statusEvent(invoice: InvoiceRow, from: InvoiceStatus | null, at: Date, to = invoice.status as InvoiceStatus): BillingEvent<'invoice.status_changed@1'> {
  return {
    type: 'invoice.status_changed@1',
    aggregate: { type: 'invoice', id: invoice.id },
    payload: {
      invoiceId: invoice.id,
      customerId: invoice.customerId,
      subscriptionId: invoice.subscriptionId,
      number: invoice.number,
      from,
      to,
      totalMinor: invoice.totalMinor,
      amountDueMinor: to === 'PAID' ? 0 : invoice.amountDueMinor,
      currency: invoice.currency,
      occurredAt: at.toISOString(),
    },
  };
}

function formatRate(bps: number): string {
  return `${(bps / (BASIS_POINTS / 100)).toFixed(2).replace(/\.?0+$/, '')} %`;
}
