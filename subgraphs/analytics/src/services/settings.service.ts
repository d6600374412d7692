/**
 * Per-tenant analytics settings and the write-only ingestion key SDKs use on
 * the batch endpoint. The key is shown once and stored as a SHA-256 hash (it
 * is random and long, so a slow hash adds nothing); rotating it invalidates the
 * old key at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Identity } from '@platform/core';
import { analyticsTables as a, rowsOf, type Tx } from '@platform/db';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { parseInput } from '@platform/core';
import { type AnalyticsDeps, asActor, requireTenant } from './deps.js';
import { eventName } from './query-inputs.js';

export const INGEST_KEY_PREFIX = 'ik_';

export type AnalyticsSettings = typeof a.settings.$inferSelect;

const settingsInput = z.object({ apiCallEvent: eventName.nullish() });

export function hashIngestKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class SettingsService {
  constructor(private readonly deps: AnalyticsDeps) {}

  get(actor: Identity): Promise<AnalyticsSettings> {
    return asActor(this.deps, actor, (tx) => settingsOf(tx, requireTenant(actor)));
  }

  update(actor: Identity, input: unknown): Promise<AnalyticsSettings> {
    const changes = parseInput(settingsInput, input);
    return asActor(this.deps, actor, async (tx) => {
      const current = await settingsOf(tx, requireTenant(actor));
      const [row] = await tx
        .update(a.settings)
        .set({ apiCallEvent: changes.apiCallEvent ?? current.apiCallEvent, updatedAt: this.deps.now() })
        .where(eq(a.settings.tenantId, current.tenantId))
        .returning();
      return row!;
    });
  }

  /** A new ingestion key; the previous one stops working in the same transaction. */
  rotateIngestKey(actor: Identity): Promise<{ key: string; settings: AnalyticsSettings }> {
    const key = `${INGEST_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    return asActor(this.deps, actor, async (tx) => {
      const current = await settingsOf(tx, requireTenant(actor));
      const [row] = await tx
        .update(a.settings)
        .set({ ingestKeyHash: hashIngestKey(key), ingestKeyPrefix: key.slice(0, INGEST_KEY_PREFIX.length + 6), ingestKeyCreatedAt: this.deps.now(), updatedAt: this.deps.now() })
        .where(eq(a.settings.tenantId, current.tenantId))
        .returning();
      return { key, settings: row! };
    });
  }

  /** The tenant an ingestion key belongs to, or null (a narrow SECURITY DEFINER lookup: no tenant is known yet). */
  async tenantForIngestKey(key: string): Promise<string | null> {
    if (!key.startsWith(INGEST_KEY_PREFIX)) return null;
    const rows = rowsOf<{ tenant_id: string | null }>(await this.deps.db.execute(sql`SELECT analytics.tenant_for_ingest_key(${hashIngestKey(key)}) AS tenant_id`));
    return rows[0]?.tenant_id ?? null;
  }
}

/** The tenant's settings row, created with defaults on first use. */
export async function settingsOf(tx: Tx, tenantId: string): Promise<AnalyticsSettings> {
  await tx.insert(a.settings).values({ tenantId }).onConflictDoNothing();
  const [row] = await tx.select().from(a.settings).where(eq(a.settings.tenantId, tenantId));
  return row!;
}
