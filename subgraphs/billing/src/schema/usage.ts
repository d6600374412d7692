/** Metered usage ingestion. */
import { builder } from '../builder.js';
import type { UsageIngestResult } from '../services/usage.service.js';
import { writeScopes } from './scopes.js';

const UsageEventInput = builder.inputType('UsageEventInput', {
  fields: (t) => ({
    meter: t.string({ required: true, description: "The meter's event name, e.g. api_calls." }),
    customerId: t.id({ required: true }),
    quantity: t.float({ required: true, description: 'Whole units ≥ 0.' }),
    timestamp: t.field({ type: 'DateTime', description: 'When it happened (default now); at most 35 days ago.' }),
    identifier: t.string({ required: true, description: 'Your unique id for the event: a second event with the same identifier is ignored.' }),
  }),
});

const UsageIngestResultRef = builder.objectRef<UsageIngestResult>('UsageIngestResult').implement({
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'Events stored now.' }),
    duplicates: t.exposeInt('duplicates', { description: 'Events ignored because their identifier was already recorded.' }),
  }),
});

builder.mutationField('recordUsage', (t) =>
  t.field({
    type: UsageIngestResultRef,
    authScopes: writeScopes,
    errors: {},
    description: 'Records up to 5,000 usage events. All or nothing: if any event is invalid, none is stored and every invalid one is named by index.',
    args: { events: t.arg({ type: [UsageEventInput], required: true }) },
    resolve: (_r, { events }, ctx) => ctx.services.usage.record(ctx.identity, events),
  }),
);
