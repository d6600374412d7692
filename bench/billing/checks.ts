/**
 * After a billing run: did it bill what was seeded? Every check compares the
 * invoices in the database with figures the seeding computed from the rows it
 * wrote (one invoice per subscription, each metered item's units and amount,
 * the licensed amounts), plus SQL reconciliation of every invoice (lines add
 * up to the subtotal, the TAX line to the tax, subtotal + tax = total) and
 * gap-free numbering.
 */
import { type AppDatabase, inScope, transactionExecutor } from '../../db/src/index.js';
import { PRICES } from './plan.js';
import type { SeedResult } from './seed.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export async function checkInvoices(db: AppDatabase, tenantId: string, asOf: Date, seeded: SeedResult): Promise<Check[]> {
  return inScope(db, { tenantId, accountId: null }, async (tx) => {
    const q = async (text: string, values: unknown[] = []) => (await transactionExecutor(tx).executeSql(text, values)).rows;
    const n = (v: unknown) => Number(v ?? 0);
    const checks: Check[] = [];
    const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

    const [inv] = await q(`SELECT count(*) AS invoices, count(DISTINCT subscription_id) AS subscriptions, count(DISTINCT number) AS numbers,
        sum(subtotal_minor) AS subtotal, count(*) FILTER (WHERE status = 'OPEN') AS open
      FROM billing.invoices WHERE billing_reason = 'SUBSCRIPTION_CYCLE'`);
    check('one invoice per subscription', n(inv!.invoices) === seeded.subscriptions && n(inv!.subscriptions) === seeded.subscriptions, `${n(inv!.invoices)} invoices for ${n(inv!.subscriptions)} subscriptions, ${seeded.subscriptions} expected`);
    check('finalised, numbered once each', n(inv!.numbers) === seeded.subscriptions && n(inv!.open) === seeded.subscriptions, `${n(inv!.numbers)} distinct numbers, ${n(inv!.open)} OPEN`);

    const lines = new Map((await q(`SELECT kind, count(*) AS lines, sum(amount_minor) AS amount, sum(quantity) AS quantity FROM billing.invoice_lines GROUP BY kind`)).map((r) => [String(r.kind), r]));
    const usageAmount = n(lines.get('USAGE')?.amount);
    check(
      'USAGE lines = seeded usage',
      usageAmount === seeded.expectedUsageMinor && n(lines.get('USAGE')?.quantity) === seeded.expectedUsageUnits && n(lines.get('USAGE')?.lines) === seeded.metered,
      `${n(lines.get('USAGE')?.lines)} lines, ${n(lines.get('USAGE')?.quantity)} units, ${usageAmount} minor; expected ${seeded.metered}, ${seeded.expectedUsageUnits} units × ${PRICES.perCallMinor} = ${seeded.expectedUsageMinor}`,
    );
    const expectedByItem = new Map(seeded.usageByItem);
    const usageLines = await q(`SELECT subscription_item_id, quantity, amount_minor FROM billing.invoice_lines WHERE kind = 'USAGE'`);
    const wrong = usageLines.filter((l) => expectedByItem.get(String(l.subscription_item_id)) !== n(l.quantity) || n(l.amount_minor) !== n(l.quantity) * PRICES.perCallMinor);
    check('each metered item billed its own usage', wrong.length === 0 && usageLines.length === expectedByItem.size, `${wrong.length} of ${usageLines.length} usage lines differ from the seeded units`);
    const licensed = n(lines.get('SUBSCRIPTION')?.amount);
    check('SUBSCRIPTION lines = seeded prices', licensed === seeded.expectedLicensedMinor, `${licensed} minor, expected ${seeded.expectedLicensedMinor}`);
    check('subtotals = licensed + usage', n(inv!.subtotal) === seeded.expectedLicensedMinor + seeded.expectedUsageMinor, `${n(inv!.subtotal)} minor`);

    const [unreconciled] = await q(`SELECT count(*) AS bad FROM billing.invoices i
      CROSS JOIN LATERAL (SELECT coalesce(sum(amount_minor) FILTER (WHERE kind <> 'TAX'), 0) AS net, coalesce(sum(amount_minor) FILTER (WHERE kind = 'TAX'), 0) AS tax
                          FROM billing.invoice_lines l WHERE l.invoice_id = i.id) l
      WHERE i.subtotal_minor <> l.net OR i.tax_minor <> l.tax OR i.total_minor <> i.subtotal_minor + i.tax_minor`);
    check('every invoice reconciles (SQL)', n(unreconciled!.bad) === 0, `${n(unreconciled!.bad)} invoices whose lines, tax and total disagree`);

    const [still] = await q(`SELECT count(*) AS due FROM billing.subscriptions WHERE status IN ('ACTIVE', 'PAST_DUE', 'TRIALING') AND current_period_end <= $1`, [asOf]);
    check('every period advanced', n(still!.due) === 0, `${n(still!.due)} subscriptions still due`);
    const [payments] = await q(`SELECT count(*) AS payments FROM billing.payments WHERE status = 'PENDING'`);
    check('a charge requested per invoice', n(payments!.payments) === seeded.subscriptions, `${n(payments!.payments)} pending payments`);
    return checks;
  });
}
