/**
 * Per-tenant configuration: custom roles, feature flags and typed settings.
 */
import { ConflictError, type Identity, InvalidStateError, isBuiltInRole, isPermission, NotFoundError, OWNER_ONLY, type Permission, parseInput } from '@platform/core';
import { recordEvents, tenancyTables as t } from '@platform/db';
import { and, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { asActor, isUniqueViolation, requireTenant, type TenancyDeps } from './deps.js';

const roleInput = z.object({
  key: z.string().trim().regex(/^[a-z][a-z0-9_]{1,31}$/, 'must be 2–32 characters of a–z, 0–9 and _').refine((k) => !isBuiltInRole(k), 'is a built-in role'),
  name: z.string().trim().min(1).max(80),
  description: z.string().trim().max(500).optional().nullable(),
  permissions: z
    .array(z.string())
    .min(1, 'needs at least one permission')
    .refine((ps) => ps.every(isPermission), 'contains an unknown permission')
    .refine((ps) => !ps.some((p) => OWNER_ONLY.includes(p as Permission)), 'cannot include owner-only permissions'),
});

const flagInput = z.object({
  key: z.string().trim().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be 1–64 characters of a–z, 0–9, _ . -'),
  enabled: z.boolean(),
  description: z.string().trim().max(500).optional().nullable(),
});
const MAX_FLAGS = 200;

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));
timeZones.add('UTC');
const currencies = new Set(Intl.supportedValuesOf('currency'));

export const settingsSchema = z.object({
  timezone: z.string().refine((tz) => timeZones.has(tz), 'must be an IANA time zone').default('UTC'),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$/, 'must be a BCP-47 locale like en-US').default('en-US'),
  defaultCurrency: z.string().refine((c) => currencies.has(c), 'must be an ISO 4217 currency code').default('USD'),
  weekStartsOn: z.enum(['MONDAY', 'SUNDAY']).default('MONDAY'),
  sessionTimeoutMinutes: z.number().int().min(5).max(43_200).default(1_440),
  requireTwoFactor: z.boolean().default(false),
});
export type TenantSettings = z.infer<typeof settingsSchema>;

export class ConfigurationService {
  constructor(private readonly deps: TenancyDeps) {}

  async createRole(actor: Identity, raw: unknown) {
    const tenantId = requireTenant(actor);
    const input = parseInput(roleInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      try {
        const [row] = await tx.insert(t.roles).values({ tenantId, ...input, description: input.description ?? null }).returning();
        return row!;
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`A role "${input.key}" exists`, 'input.key');
        throw err;
      }
    });
  }

  async updateRolePermissions(actor: Identity, key: string, permissions: string[]) {
    const parsed = parseInput(roleInput.shape.permissions, permissions, 'permissions');
    return asActor(this.deps, actor, async (tx) => {
      const [row] = await tx.update(t.roles).set({ permissions: parsed }).where(eq(t.roles.key, key)).returning();
      if (!row) throw new NotFoundError('Role', key);
      return row;
    });
  }

  async deleteRole(actor: Identity, key: string): Promise<string> {
    return asActor(this.deps, actor, async (tx) => {
      const [inUse] = await tx.select({ n: count() }).from(t.users).where(eq(t.users.role, key));
      if ((inUse?.n ?? 0) > 0) throw new InvalidStateError(`${inUse!.n} members still have the role "${key}"`);
      const rows = await tx.delete(t.roles).where(eq(t.roles.key, key)).returning({ key: t.roles.key });
      if (rows.length === 0) throw new NotFoundError('Role', key);
      return key;
    });
  }

  async setFlag(actor: Identity, raw: unknown) {
    const tenantId = requireTenant(actor);
    const input = parseInput(flagInput, raw);
    return asActor(this.deps, actor, async (tx) => {
      const [existing] = await tx.select({ key: t.featureFlags.key }).from(t.featureFlags).where(eq(t.featureFlags.key, input.key));
      if (!existing) {
        const [n] = await tx.select({ n: count() }).from(t.featureFlags);
        if ((n?.n ?? 0) >= MAX_FLAGS) throw new InvalidStateError(`A tenant can have at most ${MAX_FLAGS} feature flags`);
      }
      const values = { tenantId, key: input.key, enabled: input.enabled, description: input.description ?? null, updatedAt: this.deps.now() };
      const [row] = await tx
        .insert(t.featureFlags)
        .values(values)
        .onConflictDoUpdate({ target: [t.featureFlags.tenantId, t.featureFlags.key], set: values })
        .returning();
      await recordEvents(tx, t.tenancyOutbox, [
        { tenantId, type: 'feature_flag.changed@1', aggregateType: 'feature_flag', aggregateId: input.key, payload: { key: input.key, enabled: input.enabled } },
      ]);
      return row!;
    });
  }

  async deleteFlag(actor: Identity, key: string): Promise<string> {
    return asActor(this.deps, actor, async (tx) => {
      const rows = await tx.delete(t.featureFlags).where(eq(t.featureFlags.key, key)).returning({ key: t.featureFlags.key });
      if (rows.length === 0) throw new NotFoundError('FeatureFlag', key);
      return key;
    });
  }

  /** Merges a partial settings update into the stored settings, validating the result as a whole. */
  async updateSettings(actor: Identity, raw: Record<string, unknown>): Promise<TenantSettings> {
    const tenantId = requireTenant(actor);
    const patch = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== null));
    return asActor(this.deps, actor, async (tx) => {
      const [tenant] = await tx.select({ settings: t.tenants.settings }).from(t.tenants).where(eq(t.tenants.id, tenantId));
      const next = parseInput(settingsSchema, { ...(tenant?.settings as object), ...patch });
      await tx.update(t.tenants).set({ settings: next, updatedAt: this.deps.now() }).where(and(eq(t.tenants.id, tenantId)));
      await recordEvents(tx, t.tenancyOutbox, [{ tenantId, type: 'tenant.settings_changed@1', aggregateType: 'tenant', aggregateId: tenantId, payload: { changed: Object.keys(patch) } }]);
      return next;
    });
  }
}

export function readSettings(stored: unknown): TenantSettings {
  return settingsSchema.parse(stored ?? {});
}
