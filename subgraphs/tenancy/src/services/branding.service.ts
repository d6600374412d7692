/**
 * A tenant's branding: colors, logos, fonts, custom CSS, email templates and
 * the chat widget. Updates are partial (see branding/branding-input.ts), gated
 * by tier features, sanitised before they are stored and counted against the
 * tenant's storage quota. The row is one jsonb document per tenant.
 */
import { type Identity, ValidationError } from '@platform/core';
import { recordEvents, type Tx, tenancyTables as t } from '@platform/db';
import { eq } from 'drizzle-orm';
import { assertTierFeature, effectiveTier } from '../tiers.js';
import {
  brandingStorageBytes,
  type ChatWidget,
  EMAIL_TEMPLATE_KEYS,
  type EmailTemplate,
  type EmailTemplateKey,
  type StoredBranding,
  sanitizeBranding,
  validateBrandingInput,
} from './branding/branding-input.js';
import { CssSanitizeError, type SanitizedCss, sanitizeCustomCss } from './branding/css-sanitizer.js';
import { renderEmbedCode } from './branding/embed-code.js';
import { asActor, requireTenant, type TenancyDeps } from './deps.js';
import type { UsageService } from './usage.service.js';

/** Input field names of the email templates (camelCase) and the keys they are stored under. */
export const EMAIL_TEMPLATE_FIELDS = {
  invitation: 'invitation',
  welcome: 'welcome',
  passwordReset: 'password_reset',
  trialEnding: 'trial_ending',
} as const satisfies Record<string, EmailTemplateKey>;
type EmailTemplateField = keyof typeof EMAIL_TEMPLATE_FIELDS;

export interface BrandingUpdate extends Omit<StoredBranding, 'emailTemplates' | 'chatWidget'> {
  emailTemplates?: Partial<Record<EmailTemplateField, EmailTemplate | null>> | null;
  chatWidget?: ChatWidget | null;
}

/** What the jsonb column holds: the sanitised branding without nulls, plus what the CSS sanitiser removed. */
type BrandingDocument = StoredBranding & { removedCss?: string[] };

export interface BrandingView extends Omit<StoredBranding, 'emailTemplates'> {
  emailTemplates: (EmailTemplate & { key: EmailTemplateKey })[];
  /** What the sanitiser removed from customCss when it was last set. */
  removedCss: string[];
  updatedAt: Date | null;
}

const EMPTY: BrandingView = { emailTemplates: [], removedCss: [], updatedAt: null };

export class BrandingService {
  constructor(
    private readonly deps: TenancyDeps,
    private readonly usage: UsageService,
  ) {}

  /** The tenant's branding (fields unset when nothing is stored), or null for a tenant other than the caller's. */
  async get(actor: Identity, tenantId: string): Promise<BrandingView | null> {
    if (tenantId !== actor.tenantId) return null;
    const row = await asActor(this.deps, actor, (tx) => this.load(tx, tenantId));
    return row ? toView(row.data, row.updatedAt) : EMPTY;
  }

  /** The chat widget snippet for the tenant's own site, or null while no widget is configured. */
  async embedCode(actor: Identity, tenant: { id: string; slug: string }): Promise<string | null> {
    const branding = await this.get(actor, tenant.id);
    if (!branding?.chatWidget) return null;
    return renderEmbedCode({ tenantSlug: tenant.slug, gatewayOrigin: this.deps.publicOrigin, chatWidget: branding.chatWidget });
  }

  async update(actor: Identity, raw: BrandingUpdate): Promise<BrandingView> {
    const tenantId = requireTenant(actor);
    const input = toStoredKeys(raw);
    if (Object.keys(input).length === 0) throw ValidationError.single('input', 'Nothing to update');
    return asActor(this.deps, actor, async (tx) => {
      // Locking the tenant row serialises concurrent updates, so one partial
      // update cannot overwrite another's fields with what it read before.
      const [tenant] = await tx.select().from(t.tenants).where(eq(t.tenants.id, tenantId)).for('update');
      if (!tenant) throw new Error(`tenant ${tenantId} not visible in this scope`);
      const tier = effectiveTier(tenant, this.deps.now());
      assertTierFeature(tier, 'branding', 'Branding');
      if (typeof input.customCss === 'string' && input.customCss.trim() !== '') assertTierFeature(tier, 'custom_css', 'Custom CSS');

      const validation = validateBrandingInput(input);
      if (!validation.ok) throw new ValidationError(validation.fieldErrors.map((e) => ({ path: `input.${inputPath(e.path)}`, message: e.message })));
      const { customCss, ...rest } = validation.value;
      const css = customCss ? sanitizeCss(customCss) : null;
      const update: StoredBranding = { ...sanitizeBranding(rest), ...(customCss !== undefined ? { customCss: css?.css || null } : {}) };

      const existing = await this.load(tx, tenantId);
      const next = merge(existing?.data ?? {}, update);
      if (customCss !== undefined) next.removedCss = (css?.removed ?? []).map((r) => `${r.kind}: ${r.detail}`);
      const { removedCss: _ours, ...tenantData } = next;
      const bytes = brandingStorageBytes(tenantData);
      await this.usage.assertStorageFits(tx, tenantId, existing?.storageBytes ?? 0, bytes);

      const now = this.deps.now();
      await tx
        .insert(t.branding)
        .values({ tenantId, data: next, storageBytes: bytes, updatedAt: now })
        .onConflictDoUpdate({ target: t.branding.tenantId, set: { data: next, storageBytes: bytes, updatedAt: now } });
      await recordEvents(tx, t.tenancyOutbox, [
        { tenantId, type: 'branding.updated@1', aggregateType: 'branding', aggregateId: tenantId, payload: { changed: Object.keys(update), storageBytes: bytes } },
      ]);
      return toView(next, now);
    });
  }

  private async load(tx: Tx, tenantId: string): Promise<{ data: BrandingDocument; storageBytes: number; updatedAt: Date } | undefined> {
    const [row] = await tx.select().from(t.branding).where(eq(t.branding.tenantId, tenantId));
    return row && { data: row.data as BrandingDocument, storageBytes: row.storageBytes, updatedAt: row.updatedAt };
  }
}

/** Renames the camelCase template fields of the API to the stored keys, dropping absent fields. */
function toStoredKeys(raw: BrandingUpdate): Record<string, unknown> {
  const input: Record<string, unknown> = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  if (raw.emailTemplates) {
    const templates = Object.entries(raw.emailTemplates).filter(([, v]) => v !== undefined);
    input.emailTemplates = Object.fromEntries(templates.map(([field, v]) => [EMAIL_TEMPLATE_FIELDS[field as EmailTemplateField] ?? field, v]));
  }
  return input;
}

/** The input path of a validation error: stored template keys back to their field names. */
function inputPath(path: string): string {
  const [head, key, ...tail] = path.split('.');
  if (head !== 'emailTemplates' || key === undefined) return path;
  const field = Object.entries(EMAIL_TEMPLATE_FIELDS).find(([, stored]) => stored === key)?.[0] ?? key;
  return [head, field, ...tail].join('.');
}

function sanitizeCss(css: string): SanitizedCss {
  try {
    return sanitizeCustomCss(css);
  } catch (error) {
    // Validation already ran the sanitiser, so this is a second line of defence.
    if (error instanceof CssSanitizeError) throw ValidationError.single('input.customCss', error.message);
    throw error;
  }
}

/** Applies a partial update: undefined keeps, null clears, templates merge per key, the widget is replaced. */
function merge(stored: BrandingDocument, update: StoredBranding): BrandingDocument {
  const { emailTemplates, ...fields } = update;
  const next: Record<string, unknown> = { ...stored };
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (emailTemplates !== undefined) {
    const templates: Record<string, unknown> = emailTemplates === null ? {} : { ...stored.emailTemplates };
    for (const [key, template] of Object.entries(emailTemplates ?? {})) {
      if (template === null) delete templates[key];
      else if (template !== undefined) templates[key] = template;
    }
    if (Object.keys(templates).length > 0) next.emailTemplates = templates;
    else delete next.emailTemplates;
  }
  return next as BrandingDocument;
}

function toView(data: BrandingDocument, updatedAt: Date): BrandingView {
  const { emailTemplates, removedCss, ...fields } = data;
  const templates = EMAIL_TEMPLATE_KEYS.flatMap((key) => {
    const template = emailTemplates?.[key];
    return template ? [{ key, subject: template.subject, html: template.html }] : [];
  });
  return { ...fields, emailTemplates: templates, removedCss: removedCss ?? [], updatedAt };
}
