/** SupportTicket: an input of the support factor; recording or resolving one recomputes health. */
import { connectionCost, InvalidStateError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { SupportTicketRow } from '../services/support.service.js';
import { CustomerRef } from './customer.js';
import { TicketPriorityEnum, TicketStatusEnum } from './enums.js';
import { connection } from './page-info.js';
import { writeScopes } from './scopes.js';

type Priority = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';

const SupportTicketRef = builder.objectRef<SupportTicketRow>('SupportTicket').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    subject: t.exposeString('subject'),
    priority: t.field({ type: TicketPriorityEnum, resolve: (r) => r.priority as Priority }),
    status: t.field({ type: TicketStatusEnum, resolve: (r) => r.status as 'OPEN' | 'RESOLVED' }),
    openedAt: t.expose('openedAt', { type: 'DateTime' }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    customer: t.field({ type: CustomerRef, nullable: true, resolve: (r, _a, ctx) => ctx.loaders.customer.load(r.customerId) }),
  }),
});
const SupportTicketConnection = connection('SupportTicketConnection', SupportTicketRef);

builder.objectFields(CustomerRef, (t) => ({
  supportTickets: t.field({
    type: SupportTicketConnection,
    directives: connectionCost(),
    description: 'Newest first.',
    args: { status: t.arg({ type: TicketStatusEnum }), first: t.arg.int(), after: t.arg.string() },
    resolve: (c, { status, first, after }, ctx) => ctx.loaders.supportTickets.load(c.id, { status, first, after }),
  }),
}));

const RecordSupportTicketInput = builder.inputType('RecordSupportTicketInput', {
  fields: (t) => ({
    customerId: t.id({ required: true }),
    subject: t.string({ required: true }),
    priority: t.field({ type: TicketPriorityEnum, description: 'Defaults to NORMAL.' }),
    openedAt: t.field({ type: 'DateTime', description: 'Defaults to now; not in the future.' }),
  }),
});

builder.mutationFields((t) => ({
  recordSupportTicket: t.field({
    type: SupportTicketRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { input: t.arg({ type: RecordSupportTicketInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.support.record(ctx.identity, input),
  }),
  resolveSupportTicket: t.field({
    type: SupportTicketRef,
    authScopes: writeScopes,
    errors: { types: [NotFoundError, InvalidStateError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.support.resolve(ctx.identity, id),
  }),
}));
