/**
 * Subscriptions ride on the platform's live fan-out of committed outbox events.
 * The filter checks the tenant first, so another tenant's events never reach
 * the rest of the filter; a customer named in the arguments must exist in the
 * caller's tenant (checked under RLS when the subscription starts).
 */
import { ForbiddenError, mapAsyncIterator, NotFoundError } from '@platform/core';
import type { DomainEventType, EventPayload } from '@platform/core/events/catalog';
import type { StoredEvent } from '@platform/db';
import type { CustomerSuccessContext } from '../context.js';
import { EVENT_SOURCE, type ProducedEventType } from '../events/emit.js';

/** A live event with its (already validated when recorded) payload. */
export interface LiveEvent<T extends ProducedEventType & DomainEventType> {
  event: StoredEvent;
  payload: EventPayload<T>;
}

export async function subscribeTo<T extends ProducedEventType & DomainEventType>(
  ctx: CustomerSuccessContext,
  type: T,
  customerId: string | null | undefined,
  matches: (payload: EventPayload<T>) => boolean = () => true,
): Promise<AsyncIterable<LiveEvent<T>>> {
  const tenantId = ctx.identity.tenantId;
  if (!tenantId) throw new ForbiddenError('A tenant is required');
  // A domain error, so the edge reports it as NOT_FOUND like any other unknown id.
  if (customerId && !(await ctx.loaders.customer.load(customerId))) throw new NotFoundError('Customer', customerId);
  const events = ctx.services.deps.live.subscribe(EVENT_SOURCE, (event) => {
    if (event.tenantId !== tenantId || event.type !== type) return false;
    const payload = event.payload as EventPayload<T> & { customerId: string };
    return (!customerId || payload.customerId === customerId) && matches(payload);
  });
  return mapAsyncIterator(events, (event) => ({ event, payload: event.payload as EventPayload<T> }));
}
