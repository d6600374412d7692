/**
 * The shape every analytics query service has, so a dashboard widget can run
 * any of them and export any result as CSV: parse the stored or given input,
 * run it for an actor, and lay the result out as a table.
 */
import type { Identity } from '@platform/core';

export type CsvCell = string | number | boolean | null;
export interface CsvTable {
  header: string[];
  rows: CsvCell[][];
}

export interface AnalyticsQuery<R> {
  /** Validates `input` (GraphQL arguments, or a widget's stored JSON) and runs the query in the actor's tenant. Throws ValidationError on bad input. */
  run(actor: Identity, input: unknown): Promise<R>;
  /** The result as rows and columns (CSV export). */
  table(result: R): CsvTable;
}
