/**
 * Counts the SQL statements one unit of work (a GraphQL request, in tests)
 * sends to the database, and only that work's: background work started
 * elsewhere (event relay polling, job queue, periodic tasks) runs outside the
 * unit's async context and is not counted, and neither is deferred work the
 * unit scheduled (a timer) that runs after it has finished.
 *
 * Use: open the database with `onStatement: recordStatement`, then
 * `const { statements } = await countStatements(() => request())`. Without a
 * counter running, recordStatement is one AsyncLocalStorage lookup.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Count {
  statements: string[];
  open: boolean;
}

const running = new AsyncLocalStorage<Count>();

/** The `onStatement` observer for openDatabase: adds the statement to the count of the work it belongs to, if that is still running. */
export function recordStatement(statement: string): void {
  const count = running.getStore();
  if (count?.open) count.statements.push(statement);
}

/** Runs `work` and returns its result with the statements it sent, in order. */
export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const count: Count = { statements: [], open: true };
  try {
    // Awaited inside the context: a lazy thenable (Fastify's inject) starts its work when awaited.
    const result = await running.run(count, async () => await work());
    return { result, statements: count.statements };
  } finally {
    count.open = false;
  }
}
