/**
 * Saved dashboards: per tenant, each a list of widgets, and a widget is one
 * saved query (its kind and the same input the matching GraphQL query takes).
 * A widget is saved only if its query runs, so a dashboard never holds a query
 * the API would refuse. `rangeDays` makes a widget relative ("the last 30
 * days"): its range is recomputed from the clock every time it runs.
 */
import { afterCursor, type Identity, NotFoundError, type Page, type PageArgs, pageRequest, parseInput, toPageBy, ValidationError } from '@platform/core';
import { analyticsTables as a, isUuid } from '@platform/db';
import { and, asc, count, eq, max } from 'drizzle-orm';
import { z } from 'zod';
import { toCsv } from '../domain/csv.js';
import { type AnalyticsDeps, asActor, DAY_MS, requireTenant } from './deps.js';
import type { AnalyticsQueries } from './queries.js';
import type { AnalyticsQuery } from './query-service.js';

export const WIDGET_KINDS = ['TREND', 'KPIS', 'FUNNEL', 'RETENTION', 'ATTRIBUTION', 'EXPERIMENT', 'ANOMALIES'] as const;
export type WidgetKind = (typeof WIDGET_KINDS)[number];
export const MAX_WIDGETS_PER_DASHBOARD = 50;

export type DashboardRow = typeof a.dashboards.$inferSelect;
export type WidgetRow = typeof a.dashboardWidgets.$inferSelect;
export interface WidgetResult {
  kind: WidgetKind;
  result: unknown;
}

const name = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().max(2000).nullish();
const createDashboardInput = z.object({ name, description });
const updateDashboardInput = z.object({ name: name.nullish(), description });
const query = z.record(z.string(), z.unknown());
const rangeDays = z.number().int().min(1).max(400).nullish();
const addWidgetInput = z.object({ title: name, kind: z.enum(WIDGET_KINDS), query, rangeDays });
const updateWidgetInput = z.object({ title: name.nullish(), query: query.nullish(), rangeDays, position: z.number().int().min(0).nullish() });

export class DashboardService {
  constructor(
    private readonly deps: AnalyticsDeps,
    private readonly queries: AnalyticsQueries,
  ) {}

  list(actor: Identity, args: PageArgs): Promise<Page<DashboardRow>> {
    const { size, cursor } = pageRequest(args, 20);
    return asActor(this.deps, actor, async (tx) => {
      const rows = await tx
        .select()
        .from(a.dashboards)
        .where(and(eq(a.dashboards.tenantId, requireTenant(actor)), afterCursor(cursor, a.dashboards.createdAt, a.dashboards.id, 'asc')))
        .orderBy(asc(a.dashboards.createdAt), asc(a.dashboards.id))
        .limit(size + 1);
      return toPageBy(rows, size, (r) => r.createdAt);
    });
  }

  get(actor: Identity, id: string): Promise<DashboardRow | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return asActor(this.deps, actor, async (tx) => (await tx.select().from(a.dashboards).where(eq(a.dashboards.id, id)))[0] ?? null);
  }

  create(actor: Identity, input: unknown): Promise<DashboardRow> {
    const values = parseInput(createDashboardInput, input);
    return asActor(this.deps, actor, async (tx) => {
      const [row] = await tx
        .insert(a.dashboards)
        .values({ tenantId: requireTenant(actor), name: values.name, description: values.description ?? null, createdByAccountId: actor.accountId, createdAt: this.deps.now(), updatedAt: this.deps.now() })
        .returning();
      return row!;
    });
  }

  update(actor: Identity, id: string, input: unknown): Promise<DashboardRow> {
    const values = parseInput(updateDashboardInput, input);
    return asActor(this.deps, actor, async (tx) => {
      const [row] = await tx
        .update(a.dashboards)
        .set({ ...(values.name ? { name: values.name } : {}), ...(values.description !== undefined ? { description: values.description } : {}), updatedAt: this.deps.now() })
        .where(eq(a.dashboards.id, uuidOrNotFound('Dashboard', id)))
        .returning();
      if (!row) throw new NotFoundError('Dashboard', id);
      return row;
    });
  }

  /** Deletes the dashboard and its widgets; returns its id. */
  delete(actor: Identity, id: string): Promise<string> {
    return asActor(this.deps, actor, async (tx) => {
      const deleted = await tx.delete(a.dashboards).where(eq(a.dashboards.id, uuidOrNotFound('Dashboard', id))).returning({ id: a.dashboards.id });
      if (deleted.length === 0) throw new NotFoundError('Dashboard', id);
      return id;
    });
  }

  /** Adds a widget at the end, after checking that its query runs. */
  async addWidget(actor: Identity, dashboardId: string, input: unknown): Promise<WidgetRow> {
    const values = parseInput(addWidgetInput, input);
    await this.check(actor, values.kind, values.query, values.rangeDays ?? null);
    return asActor(this.deps, actor, async (tx) => {
      const [dashboard] = await tx.select().from(a.dashboards).where(eq(a.dashboards.id, uuidOrNotFound('Dashboard', dashboardId))).for('update');
      if (!dashboard) throw new NotFoundError('Dashboard', dashboardId);
      const [stats] = await tx.select({ n: count(), last: max(a.dashboardWidgets.position) }).from(a.dashboardWidgets).where(eq(a.dashboardWidgets.dashboardId, dashboardId));
      if ((stats?.n ?? 0) >= MAX_WIDGETS_PER_DASHBOARD) throw ValidationError.single('dashboardId', `a dashboard holds at most ${MAX_WIDGETS_PER_DASHBOARD} widgets`);
      const [row] = await tx
        .insert(a.dashboardWidgets)
        .values({
          tenantId: dashboard.tenantId,
          dashboardId,
          title: values.title,
          kind: values.kind,
          query: values.query,
          rangeDays: values.rangeDays ?? null,
          position: stats?.last === null || stats?.last === undefined ? 0 : stats.last + 1,
          createdAt: this.deps.now(),
          updatedAt: this.deps.now(),
        })
        .returning();
      await tx.update(a.dashboards).set({ updatedAt: this.deps.now() }).where(eq(a.dashboards.id, dashboardId));
      return row!;
    });
  }

  async updateWidget(actor: Identity, widgetId: string, input: unknown): Promise<WidgetRow> {
    const values = parseInput(updateWidgetInput, input);
    const current = await this.widget(actor, widgetId);
    const next = { query: values.query ?? current.query, rangeDays: values.rangeDays === undefined ? current.rangeDays : values.rangeDays };
    if (values.query || values.rangeDays !== undefined) await this.check(actor, current.kind as WidgetKind, next.query, next.rangeDays);
    return asActor(this.deps, actor, async (tx) => {
      const [row] = await tx
        .update(a.dashboardWidgets)
        .set({ ...(values.title ? { title: values.title } : {}), ...next, ...(values.position != null ? { position: values.position } : {}), updatedAt: this.deps.now() })
        .where(eq(a.dashboardWidgets.id, widgetId))
        .returning();
      if (!row) throw new NotFoundError('DashboardWidget', widgetId);
      return row;
    });
  }

  removeWidget(actor: Identity, widgetId: string): Promise<string> {
    return asActor(this.deps, actor, async (tx) => {
      const deleted = await tx.delete(a.dashboardWidgets).where(eq(a.dashboardWidgets.id, uuidOrNotFound('DashboardWidget', widgetId))).returning({ id: a.dashboardWidgets.id });
      if (deleted.length === 0) throw new NotFoundError('DashboardWidget', widgetId);
      return widgetId;
    });
  }

  /** Runs the widget's query now (relative ranges resolved against the clock). */
  async run(actor: Identity, widget: Pick<WidgetRow, 'kind' | 'query' | 'rangeDays'>): Promise<WidgetResult> {
    const kind = widget.kind as WidgetKind;
    return { kind, result: await this.queryOf(kind).run(actor, this.effectiveQuery(kind, widget.query, widget.rangeDays)) };
  }

  /** A widget's result (from `run`) as CSV. */
  csv({ kind, result }: WidgetResult): string {
    return toCsv(this.queryOf(kind).table(result));
  }

  private async widget(actor: Identity, id: string): Promise<WidgetRow> {
    const [row] = await asActor(this.deps, actor, (tx) => tx.select().from(a.dashboardWidgets).where(eq(a.dashboardWidgets.id, uuidOrNotFound('DashboardWidget', id))));
    if (!row) throw new NotFoundError('DashboardWidget', id);
    return row;
  }

  /** Runs the query once; its validation errors are reported under `query.` (the widget's field). */
  private async check(actor: Identity, kind: WidgetKind, query: Record<string, unknown>, days: number | null): Promise<void> {
    try {
      await this.queryOf(kind).run(actor, this.effectiveQuery(kind, query, days));
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(err.fieldErrors.map((f) => ({ ...f, path: f.path.replace(/^input(\.|$)/, 'query$1') })));
      throw err;
    }
  }

  private effectiveQuery(kind: WidgetKind, query: Record<string, unknown>, days: number | null): Record<string, unknown> {
    if (!days) return query;
    const now = this.deps.now();
    if (kind === 'RETENTION') return { ...query, to: now.toISOString() };
    if (kind === 'EXPERIMENT') return query;
    return { ...query, range: { from: new Date(now.getTime() - days * DAY_MS).toISOString(), to: now.toISOString() } };
  }

  private queryOf(kind: WidgetKind): AnalyticsQuery<unknown> {
    const q = this.queries;
    const byKind: Record<WidgetKind, AnalyticsQuery<unknown>> = {
      TREND: q.trends,
      KPIS: q.kpis,
      FUNNEL: q.funnels,
      RETENTION: q.retention,
      ATTRIBUTION: q.attribution,
      EXPERIMENT: q.experiments,
      ANOMALIES: q.anomalies,
    } as Record<WidgetKind, AnalyticsQuery<unknown>>;
    return byKind[kind];
  }
}

function uuidOrNotFound(entity: string, id: string): string {
  if (!isUuid(id)) throw new NotFoundError(entity, id);
  return id;
}
