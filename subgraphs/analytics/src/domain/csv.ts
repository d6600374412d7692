/**
 * CSV export of a widget's table (RFC 4180, via csv-stringify). Text cells a
 * spreadsheet would run as a formula (starting with = + - @, tab or carriage
 * return: OWASP's CSV-injection guidance) get a leading apostrophe; numbers
 * are left alone, so a negative change stays a number.
 */
import { stringify } from 'csv-stringify/sync';
import type { CsvCell, CsvTable } from '../services/query-service.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(cell: CsvCell): string | number | boolean | null {
  if (typeof cell === 'string' && FORMULA_START.test(cell)) return `'${cell}`;
  return cell;
}

export function toCsv(table: CsvTable): string {
  return stringify([table.header.map(neutraliseCell), ...table.rows.map((row) => row.map(neutraliseCell))], {
    cast: { boolean: (value) => (value ? 'true' : 'false'), date: (value) => value.toISOString() },
    record_delimiter: 'windows',
  });
}
