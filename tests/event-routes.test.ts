/**
 * The relays of distributed processes enqueue for every consumer listed in
 * EVENT_ROUTES; a consumer whose declared types drift from its route would
 * silently miss events in distributed mode. This keeps them equal, and every
 * routed type a known event type.
 */
import { CONSUMED_EVENT_TYPES as ANALYTICS_TYPES, CONSUMER_NAME as ANALYTICS } from '@platform/analytics';
import { CONSUMED_EVENT_TYPES as BILLING_TYPES, CONSUMER_NAME as BILLING } from '@platform/billing';
import { EVENT_ROUTES, isKnownEventType } from '@platform/core';
import { CONSUMED_EVENT_TYPES as CUSTOMER_SUCCESS_TYPES, CONSUMER_NAME as CUSTOMER_SUCCESS } from '@platform/customer-success';
import { describe, expect, it } from 'vitest';

describe('event routes', () => {
  it('list exactly the consumers of the subgraphs, with the types they consume', () => {
    const declared = new Map<string, readonly string[]>([
      [CUSTOMER_SUCCESS, CUSTOMER_SUCCESS_TYPES],
      [BILLING, BILLING_TYPES],
      [ANALYTICS, ANALYTICS_TYPES],
    ]);
    expect(new Set(EVENT_ROUTES.map((r) => r.name))).toEqual(new Set(declared.keys()));
    for (const route of EVENT_ROUTES) expect([...route.types].sort()).toEqual([...declared.get(route.name)!].sort());
  });

  it('route only event types of the catalogue', () => {
    for (const route of EVENT_ROUTES) for (const type of route.types) expect(isKnownEventType(type)).toBe(true);
  });
});
