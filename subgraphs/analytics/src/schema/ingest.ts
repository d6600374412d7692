/** Event ingestion through GraphQL (`trackEvents`); SDKs can use the batch endpoint instead (http/batch-route.ts). */
import { builder } from '../builder.js';
import { type EventRejection, MAX_BATCH_EVENTS, type TrackResult } from '../services/ingest.service.js';
import { JSONObject } from './scalars.js';
import { writeScopes } from './scopes.js';

const TrackEventInput = builder.inputType('TrackEventInput', {
  fields: (t) => ({
    id: t.id({ description: 'A UUID of your choosing (UUIDv7 recommended): an event whose id was already stored is ignored, so retries are safe. Generated when absent (then a retry stores it twice).' }),
    event: t.string({ required: true, description: 'The event name, e.g. `report_exported`. Names starting with `$` are reserved for SDK events and are not counted as features.' }),
    distinctId: t.string({ required: true, description: 'Who did it: your user id.' }),
    customerId: t.id({ description: 'The customer (account) the user belongs to; feeds that customer’s usage and health score.' }),
    sessionId: t.string({ description: 'The session; defaults to properties.$session_id.' }),
    timestamp: t.field({ type: 'DateTime', description: 'When it happened (default now); at most 5 minutes in the future.' }),
    properties: t.field({ type: JSONObject, description: 'Any JSON object up to 32 KiB.' }),
  }),
});

const EventRejectionRef = builder.objectRef<EventRejection>('EventRejection').implement({
  description: 'Why one event of a batch was not stored.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position of the event in the batch (0-based); -1 when the whole batch was refused.' }),
    path: t.exposeString('path', { description: 'The field at fault, e.g. `timestamp`.' }),
    message: t.exposeString('message'),
  }),
});

const TrackEventsResultRef = builder.objectRef<TrackResult>('TrackEventsResult').implement({
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'Events stored now.' }),
    duplicates: t.exposeInt('duplicates', { description: 'Valid events ignored because their id was already stored (or repeated in the batch).' }),
    rejected: t.field({ type: [EventRejectionRef], description: 'Malformed events, by index; the valid events of the batch are stored regardless.', resolve: (r) => r.rejected }),
  }),
});

builder.mutationField('trackEvents', (t) =>
  t.field({
    type: TrackEventsResultRef,
    authScopes: writeScopes,
    description: `Records up to ${MAX_BATCH_EVENTS.toLocaleString('en')} product events. Each event stands alone: malformed ones are reported by index in \`rejected\` and the rest are stored. Idempotent by event id.`,
    args: { events: t.arg({ type: [TrackEventInput], required: true }) },
    resolve: (_r, { events }, ctx) => ctx.services.ingest.track(ctx.identity, events),
  }),
);
