/** Support tickets: the support factor's input. Opening or resolving one recomputes the customer's health. */
import { type Identity, InvalidStateError, NotFoundError, parseInput, ValidationError } from '@platform/core';
import { customerSuccessTables as cs } from '@platform/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { lockCustomer } from './customer-lookup.js';
import { asActor, type CustomerSuccessDeps, isUuid, requireTenant } from './deps.js';
import type { HealthService } from './health.service.js';
import type { JourneyService } from './journey.service.js';

export type SupportTicketRow = typeof cs.supportTickets.$inferSelect;
export const TICKET_PRIORITIES = ['LOW', 'NORMAL', 'HIGH', 'URGENT'] as const;
export const TICKET_STATUSES = ['OPEN', 'RESOLVED'] as const;

const recordInput = z.object({
  customerId: z.string(),
  subject: z.string().trim().min(1, 'is required').max(500),
  priority: z.enum(TICKET_PRIORITIES).default('NORMAL'),
  openedAt: z.date().nullish(),
});

export class SupportService {
  constructor(
    private readonly deps: CustomerSuccessDeps,
    private readonly health: HealthService,
    private readonly journey: JourneyService,
  ) {}

  async record(actor: Identity, raw: unknown): Promise<SupportTicketRow> {
    const tenantId = requireTenant(actor);
    const input = parseInput(recordInput, raw);
    const now = this.deps.now();
    const openedAt = input.openedAt ?? now;
    if (openedAt.getTime() > now.getTime()) throw ValidationError.single('input.openedAt', 'must not be in the future');
    return asActor(this.deps, actor, async (tx) => {
      const customer = await lockCustomer(tx, input.customerId);
      const [ticket] = await tx
        .insert(cs.supportTickets)
        .values({ tenantId, customerId: customer.id, subject: input.subject, priority: input.priority, openedAt, createdByUserId: actor.userId, createdAt: now })
        .returning();
      await this.journey.record(tx, tenantId, customer.id, {
        kind: 'TICKET_OPENED',
        title: `${input.priority} support ticket opened: ${input.subject}`,
        relatedId: ticket!.id,
        occurredAt: openedAt,
      });
      await this.health.recompute(tx, tenantId, customer.id, 'recordSupportTicket');
      return ticket!;
    });
  }

  async resolve(actor: Identity, ticketId: string): Promise<SupportTicketRow> {
    const tenantId = requireTenant(actor);
    return asActor(this.deps, actor, async (tx) => {
      if (!isUuid(ticketId)) throw new NotFoundError('SupportTicket', ticketId);
      const [ticket] = await tx.select().from(cs.supportTickets).where(eq(cs.supportTickets.id, ticketId)).for('update');
      if (!ticket) throw new NotFoundError('SupportTicket', ticketId);
      if (ticket.status === 'RESOLVED') throw new InvalidStateError('The ticket is already resolved');
      const customer = await lockCustomer(tx, ticket.customerId);
      const now = this.deps.now();
      const [row] = await tx.update(cs.supportTickets).set({ status: 'RESOLVED', resolvedAt: now }).where(eq(cs.supportTickets.id, ticketId)).returning();
      await this.journey.record(tx, tenantId, customer.id, { kind: 'TICKET_RESOLVED', title: `Support ticket resolved: ${ticket.subject}`, relatedId: ticket.id, occurredAt: now });
      await this.health.recompute(tx, tenantId, customer.id, 'resolveSupportTicket');
      return row!;
    });
  }
}
