/**
 * Per-request DataLoaders. Each batch runs in one transaction scoped to the
 * caller, so RLS decides what is visible.
 */
import type { Identity } from '@platform/core';
import { analyticsTables as a, isUuid } from '@platform/db';
import DataLoader from 'dataloader';
import { asc, inArray } from 'drizzle-orm';
import type { WidgetRow } from '../services/dashboard.service.js';
import { type AnalyticsDeps, asActor } from '../services/deps.js';

export function createLoaders(deps: AnalyticsDeps, actor: Identity) {
  return {
    /** Dashboard.widgets: by position, the widgets of every dashboard of a list in one query. */
    widgetsByDashboard: new DataLoader<string, WidgetRow[]>(async (ids) => {
      const valid = [...new Set(ids.filter(isUuid))];
      const w = a.dashboardWidgets;
      const rows =
        valid.length === 0
          ? []
          : await asActor(deps, actor, (tx) => tx.select().from(w).where(inArray(w.dashboardId, valid)).orderBy(asc(w.position), asc(w.createdAt)));
      const byDashboard = new Map<string, WidgetRow[]>();
      for (const row of rows) byDashboard.set(row.dashboardId, [...(byDashboard.get(row.dashboardId) ?? []), row]);
      return ids.map((id) => byDashboard.get(id) ?? []);
    }),
  };
}
export type AnalyticsLoaders = ReturnType<typeof createLoaders>;
