/**
 * Registers the shared error types on a subgraph's builder: an `Error`
 * interface and one object type per domain error class, all @shareable so every
 * subgraph can return them. Mutations list the classes they can fail with
 * (`errors: { types: [...] }`) and the errors plugin turns a thrown error into a
 * typed result member.
 */
import type { SchemaTypes } from '@pothos/core';
import {
  AuthenticationError,
  ConflictError,
  DomainError,
  ErrorCode,
  InvalidStateError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
} from '../errors.js';

export const DOMAIN_ERROR_CLASSES = [ValidationError, NotFoundError, ConflictError, LimitExceededError, InvalidStateError, AuthenticationError] as const;

// biome-ignore lint/suspicious/noExplicitAny: the builder is generic over each subgraph's own types.
type AnyBuilder = PothosSchemaTypes.SchemaBuilder<any>;

export function registerErrorTypes<T extends SchemaTypes>(b: PothosSchemaTypes.SchemaBuilder<T>) {
  const builder = b as unknown as AnyBuilder;
  const codeEnum = builder.enumType('ErrorCode', { values: Object.values(ErrorCode) });
  const errorInterface = builder.interfaceRef<DomainError>('Error').implement({
    fields: (t) => ({
      message: t.exposeString('message'),
      code: t.field({ type: codeEnum, resolve: (e: DomainError) => e.code }),
    }),
  });
  const base = { interfaces: [errorInterface], isTypeOf: (v: unknown) => v instanceof DomainError, shareable: true };

  const fieldError = builder.objectRef<{ path: string; message: string }>('FieldError').implement({
    shareable: true,
    fields: (t) => ({ path: t.exposeString('path'), message: t.exposeString('message') }),
  });
  builder.objectType(ValidationError, {
    name: 'ValidationError',
    ...base,
    isTypeOf: (v) => v instanceof ValidationError,
    fields: (t) => ({ fieldErrors: t.field({ type: [fieldError], resolve: (e: ValidationError) => e.fieldErrors }) }),
  });
  builder.objectType(NotFoundError, {
    name: 'NotFoundError',
    ...base,
    isTypeOf: (v) => v instanceof NotFoundError,
    fields: (t) => ({ entity: t.exposeString('entity'), id: t.exposeID('id') }),
  });
  builder.objectType(ConflictError, {
    name: 'ConflictError',
    ...base,
    isTypeOf: (v) => v instanceof ConflictError,
    fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
  });
  builder.objectType(LimitExceededError, {
    name: 'LimitExceededError',
    ...base,
    isTypeOf: (v) => v instanceof LimitExceededError,
    fields: (t) => ({ limit: t.exposeString('limit'), current: t.exposeFloat('current'), maximum: t.exposeFloat('maximum') }),
  });
  builder.objectType(InvalidStateError, { name: 'InvalidStateError', ...base, isTypeOf: (v) => v instanceof InvalidStateError, fields: () => ({}) });
  builder.objectType(AuthenticationError, { name: 'AuthenticationError', ...base, isTypeOf: (v) => v instanceof AuthenticationError, fields: () => ({}) });
  return { errorInterface, codeEnum };
}

export function registerScalars<T extends SchemaTypes>(b: PothosSchemaTypes.SchemaBuilder<T>) {
  const builder = b as unknown as AnyBuilder;
  builder.scalarType('DateTime', {
    description: 'An ISO-8601 instant in UTC',
    serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value as string).toISOString()),
    parseValue: (value) => {
      const date = new Date(value as string);
      if (typeof value !== 'string' || Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO-8601 string');
      return date;
    },
  });
}
