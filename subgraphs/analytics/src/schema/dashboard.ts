/**
 * Saved dashboards and their widgets. A widget's `result` is the current
 * answer of its saved query (one of the analytics query types), `csv` the same
 * answer as CSV. Both are computed when asked, from the data as it is now.
 */
import { connectionCost, InvalidStateError, NotFoundError, ValidationError } from '@platform/core';
import { builder } from '../builder.js';
import { type DashboardRow, type WidgetKind, type WidgetResult, type WidgetRow, WIDGET_KINDS } from '../services/dashboard.service.js';
import { AnomalyReportRef } from './anomaly.js';
import { AttributionRef } from './attribution.js';
import { ExperimentResultsRef } from './experiment.js';
import { FunnelRef } from './funnel.js';
import { KpiReportRef } from './kpi.js';
import { connection } from './page-info.js';
import { RetentionRef } from './retention.js';
import { JSONObject } from './scalars.js';
import { readScopes, writeScopes } from './scopes.js';
import { TrendRef } from './trend.js';

const WidgetKindEnum = builder.enumType('WidgetKind', {
  description: 'Which query a widget runs; its `query` is that query’s input (TREND: TrendInput, KPIS: KpiInput, FUNNEL: FunnelInput, RETENTION: RetentionInput, ATTRIBUTION: AttributionInput, EXPERIMENT: { experimentId, confidenceLevel }, ANOMALIES: AnomalyInput).',
  values: WIDGET_KINDS,
});

const TYPE_BY_KIND: Record<WidgetKind, string> = {
  TREND: 'Trend',
  KPIS: 'KpiReport',
  FUNNEL: 'Funnel',
  RETENTION: 'Retention',
  ATTRIBUTION: 'Attribution',
  EXPERIMENT: 'ExperimentResults',
  ANOMALIES: 'AnomalyReport',
};

/** The kind of each result object, for the union's resolveType (results carry no type tag of their own). */
const kindOf = new WeakMap<object, WidgetKind>();

const WidgetResultUnion = builder.unionType('WidgetResult', {
  types: [TrendRef, KpiReportRef, FunnelRef, RetentionRef, AttributionRef, ExperimentResultsRef, AnomalyReportRef],
  resolveType: (value) => TYPE_BY_KIND[kindOf.get(value as object)!],
});

/** One run per widget object per request, shared by `result` and `csv`. */
const runs = new WeakMap<WidgetRow, Promise<WidgetResult>>();

const DashboardWidgetRef = builder.objectRef<WidgetRow>('DashboardWidget').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    kind: t.field({ type: WidgetKindEnum, resolve: (w) => w.kind as WidgetKind }),
    query: t.field({ type: JSONObject, description: 'The saved input of the widget’s query.', resolve: (w) => w.query }),
    rangeDays: t.exposeInt('rangeDays', { nullable: true, description: 'When set, the query covers the last N days, recomputed at every run (RETENTION: its `to` is now).' }),
    position: t.exposeInt('position'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    result: t.field({
      type: WidgetResultUnion,
      description: 'The query’s answer now.',
      resolve: async (w, _a, ctx) => {
        const { kind, result } = await runOnce(w, () => ctx.services.dashboards.run(ctx.identity, w));
        kindOf.set(result as object, kind);
        return result as never;
      },
    }),
    csv: t.string({
      description: 'The answer as CSV (RFC 4180, a header row, CRLF line ends).',
      resolve: async (w, _a, ctx) => ctx.services.dashboards.csv(await runOnce(w, () => ctx.services.dashboards.run(ctx.identity, w))),
    }),
  }),
});

function runOnce(widget: WidgetRow, run: () => Promise<WidgetResult>): Promise<WidgetResult> {
  let pending = runs.get(widget);
  if (!pending) {
    pending = run();
    runs.set(widget, pending);
  }
  return pending;
}

const DashboardRef = builder.objectRef<DashboardRow>('Dashboard').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    widgets: t.field({ type: [DashboardWidgetRef], resolve: (d, _a, ctx) => ctx.loaders.widgetsByDashboard.load(d.id) }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const DashboardConnection = connection('DashboardConnection', DashboardRef);

const DashboardInput = builder.inputType('DashboardInput', {
  fields: (t) => ({ name: t.string({ required: true }), description: t.string() }),
});
const UpdateDashboardInput = builder.inputType('UpdateDashboardInput', {
  fields: (t) => ({ name: t.string(), description: t.string() }),
});
const AddDashboardWidgetInput = builder.inputType('AddDashboardWidgetInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    kind: t.field({ type: WidgetKindEnum, required: true }),
    query: t.field({ type: JSONObject, required: true, description: 'The input of the query named by `kind`, as JSON (dates as ISO strings).' }),
    rangeDays: t.int({ description: '1–400: make the range relative (the last N days).' }),
  }),
});
const UpdateDashboardWidgetInput = builder.inputType('UpdateDashboardWidgetInput', {
  fields: (t) => ({ title: t.string(), query: t.field({ type: JSONObject }), rangeDays: t.int(), position: t.int() }),
});

builder.queryFields((t) => ({
  dashboards: t.field({
    type: DashboardConnection,
    directives: connectionCost(20),
    authScopes: readScopes,
    description: 'The tenant’s dashboards, oldest first.',
    args: { first: t.arg.int({ description: '1–100, default 20.' }), after: t.arg.string() },
    resolve: (_r, args, ctx) => ctx.services.dashboards.list(ctx.identity, args),
  }),
  dashboard: t.field({
    type: DashboardRef,
    nullable: true,
    authScopes: readScopes,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.dashboards.get(ctx.identity, String(id)),
  }),
}));

const notFound = { types: [ValidationError, NotFoundError] };

const DeletedRef = builder.objectRef<{ id: string }>('Deleted').implement({
  description: 'What a delete removed.',
  fields: (t) => ({ id: t.exposeID('id') }),
});

builder.mutationFields((t) => ({
  createDashboard: t.field({
    type: DashboardRef,
    authScopes: writeScopes,
    errors: {},
    args: { input: t.arg({ type: DashboardInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.dashboards.create(ctx.identity, input),
  }),
  updateDashboard: t.field({
    type: DashboardRef,
    authScopes: writeScopes,
    errors: notFound,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateDashboardInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => ctx.services.dashboards.update(ctx.identity, String(id), input),
  }),
  deleteDashboard: t.field({
    type: DeletedRef,
    authScopes: writeScopes,
    errors: notFound,
    description: 'Deletes the dashboard and its widgets.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx) => ({ id: await ctx.services.dashboards.delete(ctx.identity, String(id)) }),
  }),
  addDashboardWidget: t.field({
    type: DashboardWidgetRef,
    authScopes: writeScopes,
    errors: { types: [ValidationError, NotFoundError, InvalidStateError] },
    description: 'Adds a widget at the end of the dashboard (at most 50). Its query runs once first: an input the query refuses is a ValidationError under `query.`.',
    args: { dashboardId: t.arg.id({ required: true }), input: t.arg({ type: AddDashboardWidgetInput, required: true }) },
    resolve: (_r, { dashboardId, input }, ctx) => ctx.services.dashboards.addWidget(ctx.identity, String(dashboardId), input),
  }),
  updateDashboardWidget: t.field({
    type: DashboardWidgetRef,
    authScopes: writeScopes,
    errors: { types: [ValidationError, NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateDashboardWidgetInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => ctx.services.dashboards.updateWidget(ctx.identity, String(id), input),
  }),
  removeDashboardWidget: t.field({
    type: DeletedRef,
    authScopes: writeScopes,
    errors: notFound,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx) => ({ id: await ctx.services.dashboards.removeWidget(ctx.identity, String(id)) }),
  }),
}));
