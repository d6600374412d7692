/**
 * Finding a customer for a change: unknown ids (including other tenants'
 * customers, which RLS hides) are NotFound; archived customers take no new
 * activity. The row is locked so concurrent changes of one customer (two
 * events recomputing its health) apply one after the other.
 */
import { InvalidStateError, NotFoundError } from '@platform/core';
import { customerSuccessTables as cs, type Tx } from '@platform/db';
import { eq } from 'drizzle-orm';
import { isUuid } from './deps.js';

export type CustomerRow = typeof cs.customers.$inferSelect;

export async function findCustomer(tx: Tx, customerId: string): Promise<CustomerRow | null> {
  if (!isUuid(customerId)) return null;
  const [row] = await tx.select().from(cs.customers).where(eq(cs.customers.id, customerId));
  return row ?? null;
}

export async function lockCustomer(tx: Tx, customerId: string, options: { allowArchived?: boolean } = {}): Promise<CustomerRow> {
  if (!isUuid(customerId)) throw new NotFoundError('Customer', customerId);
  const [row] = await tx.select().from(cs.customers).where(eq(cs.customers.id, customerId)).for('update');
  if (!row) throw new NotFoundError('Customer', customerId);
  if (row.archivedAt && !options.allowArchived) throw new InvalidStateError(`Customer ${customerId} is archived`);
  return row;
}
