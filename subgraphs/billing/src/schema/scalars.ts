/**
 * `MinorAmount`: money as an integer number of minor units (cents for USD, yen
 * for JPY), always next to a currency code. GraphQL's Int is 32-bit, too small
 * for money, and Float invites rounding; this scalar carries any JS safe
 * integer as a JSON number. On input it accepts any number and leaves the
 * whole-units check to the services, so a fractional or negative amount gets
 * the typed VALIDATION_FAILED result naming the field, like any other bad input.
 */
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

function serializeMinor(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new GraphQLError(`MinorAmount cannot represent ${JSON.stringify(value)}`);
  return value;
}

function parseMinor(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new GraphQLError(`MinorAmount must be a number of minor units (e.g. cents), got ${JSON.stringify(value)}`);
  return value;
}

export const MinorAmount = builder.scalarType('MinorAmount', {
  description: 'An integer number of minor currency units (cents for USD, yen for JPY); always read with its currency code.',
  serialize: (value) => serializeMinor(value),
  parseValue: (value) => parseMinor(value),
});
