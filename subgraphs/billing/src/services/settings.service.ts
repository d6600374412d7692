/** Per-tenant billing settings: currency, tax, payment terms, dunning, invoice numbering, webhook secret. */
import { randomBytes } from 'node:crypto';
import type { Identity } from '@platform/core';
import { ValidationError } from '@platform/core';
import { billingTables as b, type Tx } from '@platform/db';
import { eq } from 'drizzle-orm';
import { type DunningFinalAction, validateRetrySchedule } from '../domain/dunning.js';
import { assertCurrency } from '../domain/money.js';
import { asActor, type BillingDeps, requireTenant } from './deps.js';

export type BillingSettings = typeof b.settings.$inferSelect;

export interface UpdateSettingsInput {
  businessName?: string | null;
  defaultCurrency?: string | null;
  taxRateBps?: number | null;
  taxLabel?: string | null;
  paymentTermsDays?: number | null;
  dunningRetryDays?: number[] | null;
  dunningFinalAction?: DunningFinalAction | null;
  autoFinalize?: boolean | null;
  invoicePrefix?: string | null;
}

/** The tenant's settings, created with defaults the first time anything needs them. */
export async function loadSettings(tx: Tx, tenantId: string): Promise<BillingSettings> {
  const [existing] = await tx.select().from(b.settings).where(eq(b.settings.tenantId, tenantId));
  if (existing) return existing;
  await tx.insert(b.settings).values({ tenantId }).onConflictDoNothing();
  const [created] = await tx.select().from(b.settings).where(eq(b.settings.tenantId, tenantId));
  return created!;
}

export class SettingsService {
  constructor(private readonly deps: BillingDeps) {}

  get(actor: Identity): Promise<BillingSettings> {
    return asActor(this.deps, actor, (tx) => loadSettings(tx, requireTenant(actor)));
  }

  update(actor: Identity, input: UpdateSettingsInput): Promise<BillingSettings> {
    const tenantId = requireTenant(actor);
    const set: Partial<BillingSettings> = {};
    if (input.businessName != null) set.businessName = boundedText('businessName', input.businessName, 200);
    if (input.defaultCurrency != null) set.defaultCurrency = assertCurrency(input.defaultCurrency, 'defaultCurrency');
    if (input.taxRateBps != null) {
      if (!Number.isInteger(input.taxRateBps) || input.taxRateBps < 0 || input.taxRateBps > 10_000) {
        throw ValidationError.single('taxRateBps', 'must be a whole number of basis points between 0 and 10000 (100 %)');
      }
      set.taxRateBps = input.taxRateBps;
    }
    if (input.taxLabel != null) set.taxLabel = boundedText('taxLabel', input.taxLabel, 40);
    if (input.paymentTermsDays != null) {
      if (!Number.isInteger(input.paymentTermsDays) || input.paymentTermsDays < 0 || input.paymentTermsDays > 365) {
        throw ValidationError.single('paymentTermsDays', 'must be a whole number of days between 0 and 365');
      }
      set.paymentTermsDays = input.paymentTermsDays;
    }
    if (input.dunningRetryDays != null) set.dunningRetryDays = validateRetrySchedule(input.dunningRetryDays);
    if (input.dunningFinalAction != null) set.dunningFinalAction = input.dunningFinalAction;
    if (input.autoFinalize != null) set.autoFinalize = input.autoFinalize;
    if (input.invoicePrefix != null) {
      if (!/^[A-Z0-9-]{1,12}$/.test(input.invoicePrefix)) throw ValidationError.single('invoicePrefix', 'must be 1–12 capital letters, digits or dashes');
      set.invoicePrefix = input.invoicePrefix;
    }
    return asActor(this.deps, actor, async (tx) => {
      await loadSettings(tx, tenantId);
      const [updated] = await tx
        .update(b.settings)
        .set({ ...set, updatedAt: this.deps.now() })
        .where(eq(b.settings.tenantId, tenantId))
        .returning();
      return updated!;
    });
  }

  /**
   * A new webhook signing secret, returned once. The previous one keeps
   * verifying until the next rotation, so a provider can be switched over
   * without dropping events.
   */
  rotateWebhookSecret(actor: Identity): Promise<string> {
    const tenantId = requireTenant(actor);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    return asActor(this.deps, actor, async (tx) => {
      const current = await loadSettings(tx, tenantId);
      await tx
        .update(b.settings)
        .set({ webhookSecret: secret, previousWebhookSecret: current.webhookSecret, updatedAt: this.deps.now() })
        .where(eq(b.settings.tenantId, tenantId));
      return secret;
    });
  }
}

function boundedText(path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw ValidationError.single(path, `must be 1–${max} characters`);
  return trimmed;
}
