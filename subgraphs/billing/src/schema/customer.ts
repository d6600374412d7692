/** Customer: customer-success's entity, extended here with its subscriptions, invoices and billing currency. */
import { builder } from '../builder.js';

export const CustomerRef = builder.externalRef('Customer', builder.selection<{ id: string }>('id')).implement({
  externalFields: (t) => ({ id: t.id() }),
});
