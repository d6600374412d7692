import { InvalidStateError } from '@platform/core';
import { describe, expect, it } from 'vitest';
import {
  assertInvoiceTransition,
  assertSubscriptionTransition,
  BILLABLE_STATUSES,
  INVOICE_TRANSITIONS,
  type InvoiceStatus,
  SUBSCRIPTION_TRANSITIONS,
  type SubscriptionStatus,
} from './lifecycle.js';

const SUBSCRIPTION_STATUSES = Object.keys(SUBSCRIPTION_TRANSITIONS) as SubscriptionStatus[];
const INVOICE_STATUSES = Object.keys(INVOICE_TRANSITIONS) as InvoiceStatus[];

describe('subscription transitions', () => {
  it('are exactly the documented ones', () => {
    expect(SUBSCRIPTION_TRANSITIONS).toEqual({
      INCOMPLETE: ['ACTIVE', 'CANCELED'],
      TRIALING: ['ACTIVE', 'PAST_DUE', 'CANCELED', 'PAUSED'],
      ACTIVE: ['PAST_DUE', 'CANCELED', 'PAUSED'],
      PAST_DUE: ['ACTIVE', 'UNPAID', 'CANCELED'],
      UNPAID: ['ACTIVE', 'CANCELED'],
      PAUSED: ['ACTIVE', 'CANCELED'],
      CANCELED: [],
    });
  });

  it('allows every listed move and refuses every other one, staying put included', () => {
    for (const from of SUBSCRIPTION_STATUSES) {
      for (const to of SUBSCRIPTION_STATUSES) {
        const move = () => assertSubscriptionTransition(from, to);
        if (SUBSCRIPTION_TRANSITIONS[from].includes(to)) expect(move).not.toThrow();
        else expect(move).toThrow(InvalidStateError);
      }
    }
  });

  it('explains a refused move', () => {
    expect(() => assertSubscriptionTransition('CANCELED', 'ACTIVE')).toThrow('Subscription is CANCELED; it cannot become ACTIVE (CANCELED is final)');
    expect(() => assertSubscriptionTransition('INCOMPLETE', 'PAUSED')).toThrow(
      'Subscription is INCOMPLETE; it cannot become PAUSED (from INCOMPLETE it can become ACTIVE, CANCELED)',
    );
  });

  it('carries the INVALID_STATE code', () => {
    try {
      assertSubscriptionTransition('UNPAID', 'PAST_DUE');
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidStateError).code).toBe('INVALID_STATE');
    }
  });

  it('bills trialing, active and past-due subscriptions', () => {
    expect([...BILLABLE_STATUSES]).toEqual(['TRIALING', 'ACTIVE', 'PAST_DUE']);
  });
});

describe('invoice transitions', () => {
  it('are exactly the documented ones', () => {
    expect(INVOICE_TRANSITIONS).toEqual({
      DRAFT: ['OPEN', 'VOID'],
      OPEN: ['PAID', 'VOID', 'UNCOLLECTIBLE'],
      UNCOLLECTIBLE: ['PAID', 'VOID'],
      PAID: [],
      VOID: [],
    });
  });

  it('allows every listed move and refuses every other one', () => {
    for (const from of INVOICE_STATUSES) {
      for (const to of INVOICE_STATUSES) {
        const move = () => assertInvoiceTransition(from, to);
        if (INVOICE_TRANSITIONS[from].includes(to)) expect(move).not.toThrow();
        else expect(move).toThrow(InvalidStateError);
      }
    }
  });

  it('never reopens a paid or void invoice', () => {
    expect(() => assertInvoiceTransition('PAID', 'VOID')).toThrow('Invoice is PAID; it cannot become VOID (PAID is final)');
    expect(() => assertInvoiceTransition('VOID', 'PAID')).toThrow('Invoice is VOID; it cannot become PAID');
    expect(() => assertInvoiceTransition('DRAFT', 'PAID')).toThrow('Invoice is DRAFT; it cannot become PAID (from DRAFT it can become OPEN, VOID)');
  });

  it('refuses an unknown status', () => {
    expect(() => assertInvoiceTransition('DELETED' as InvoiceStatus, 'VOID')).toThrow('Invoice is DELETED; it cannot become VOID');
  });
});
