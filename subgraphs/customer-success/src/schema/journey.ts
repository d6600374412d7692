/** JourneyEvent: one entry of a customer's timeline. */
import { connectionCost } from '@platform/core';
import { builder } from '../builder.js';
import type { JourneyEventRow, JourneyKind } from '../services/journey.service.js';
import { CustomerRef } from './customer.js';
import { JourneyKindEnum } from './enums.js';
import { connection } from './page-info.js';

const JourneyEventRef = builder.objectRef<JourneyEventRow>('JourneyEvent').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: JourneyKindEnum, resolve: (e) => e.kind as JourneyKind }),
    title: t.exposeString('title'),
    relatedId: t.id({
      nullable: true,
      description: 'The ticket, NPS response, playbook run, milestone or health score the entry is about.',
      resolve: (e) => ((e.detail as { relatedId?: string }).relatedId ?? null),
    }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
  }),
});
const JourneyConnection = connection('JourneyEventConnection', JourneyEventRef);

builder.objectFields(CustomerRef, (t) => ({
  journey: t.field({
    type: JourneyConnection,
    directives: connectionCost(),
    description: 'Touchpoints, milestones and changes, newest first.',
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: (c, { first, after }, ctx) => ctx.loaders.journey.load(c.id, { first, after }),
  }),
}));
