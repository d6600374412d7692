/**
 * Every durable consumer of the platform and the event types it takes. A
 * relay enqueues each event for every consumer listed here, whichever process
 * hosts that consumer: in distributed mode billing's process relays
 * `payment.failed@1` for customer-success's consumer, which runs elsewhere.
 * Each subgraph's consumer must declare the same types (a test checks), and a
 * new consumer is added here.
 */
export interface EventRoute {
  name: string;
  types: readonly string[];
}

export const EVENT_ROUTES: readonly EventRoute[] = [
  { name: 'customer-success', types: ['usage.recorded@1', 'payment.failed@1', 'invoice.paid@1'] },
  { name: 'billing', types: ['customer.created@1', 'customer.updated@1', 'customer.archived@1'] },
  { name: 'analytics', types: ['invoice.paid@1'] },
];
