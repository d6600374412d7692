/** Instants in billing are JS Dates read in UTC; these helpers refuse Invalid Date early, naming the field. */
import { ValidationError } from '@platform/core';

export const MS_PER_DAY = 86_400_000;

export function assertDate(value: Date, path: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw ValidationError.single(path, 'must be a valid date');
  return value;
}
