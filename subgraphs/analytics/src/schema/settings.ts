/** Analytics settings of the current tenant and its SDK ingestion key. */
import { builder } from '../builder.js';
import type { AnalyticsSettings } from '../services/settings.service.js';
import { readScopes, settingsScopes } from './scopes.js';

const AnalyticsSettingsRef = builder.objectRef<AnalyticsSettings>('AnalyticsSettings').implement({
  fields: (t) => ({
    apiCallEvent: t.exposeString('apiCallEvent', { description: 'The event counted as an API call by `kpis`.' }),
    ingestKeyPrefix: t.exposeString('ingestKeyPrefix', { nullable: true, description: 'The first characters of the current ingestion key; null when none was created.' }),
    ingestKeyCreatedAt: t.expose('ingestKeyCreatedAt', { type: 'DateTime', nullable: true }),
  }),
});

const IngestKeyRef = builder.objectRef<{ key: string; settings: AnalyticsSettings }>('IngestKey').implement({
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Shown only now: send it as `Authorization: Bearer <key>` to POST /analytics/batch. It can only write events.' }),
    settings: t.field({ type: AnalyticsSettingsRef, resolve: (r) => r.settings }),
  }),
});

const UpdateAnalyticsSettingsInput = builder.inputType('UpdateAnalyticsSettingsInput', {
  fields: (t) => ({ apiCallEvent: t.string() }),
});

builder.queryField('analyticsSettings', (t) =>
  t.field({ type: AnalyticsSettingsRef, authScopes: readScopes, resolve: (_r, _a, ctx) => ctx.services.settings.get(ctx.identity) }),
);

builder.mutationFields((t) => ({
  updateAnalyticsSettings: t.field({
    type: AnalyticsSettingsRef,
    authScopes: settingsScopes,
    errors: {},
    args: { input: t.arg({ type: UpdateAnalyticsSettingsInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.settings.update(ctx.identity, input),
  }),
  rotateIngestKey: t.field({
    type: IngestKeyRef,
    authScopes: settingsScopes,
    errors: {},
    description: 'Creates the tenant’s SDK ingestion key, replacing (and at once invalidating) the previous one.',
    resolve: (_r, _a, ctx) => ctx.services.settings.rotateIngestKey(ctx.identity),
  }),
}));
