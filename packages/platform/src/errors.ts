/**
 * Domain errors shared by every subgraph. A domain error carries a stable code;
 * mutations expose them as typed results (Pothos errors plugin), queries and the
 * edge map them to GraphQL errors with `extensions.code`. Anything that is not a
 * DomainError is unexpected and gets masked before it reaches a client.
 */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  TOTP_REQUIRED: 'TOTP_REQUIRED',
  TOKEN_EXPIRED: 'TOKEN_EXPIRED',
  TOKEN_INVALID: 'TOKEN_INVALID',
  TENANT_SUSPENDED: 'TENANT_SUSPENDED',
  INVALID_STATE: 'INVALID_STATE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

export interface FieldError {
  /** Dotted path of the offending input field, e.g. `input.email`. */
  path: string;
  message: string;
}

export class ValidationError extends DomainError {
  readonly fieldErrors: FieldError[];
  constructor(fieldErrors: FieldError[], message = 'The input is not valid') {
    super(ErrorCode.VALIDATION_FAILED, `${message}: ${fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ')}`);
    this.fieldErrors = fieldErrors;
  }
  static single(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(ErrorCode.NOT_FOUND, `${entity} ${id} was not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(ErrorCode.CONFLICT, message);
  }
}

/** A tier or quota limit stopped the operation. */
export class LimitExceededError extends DomainError {
  constructor(
    readonly limit: string,
    readonly current: number,
    readonly maximum: number,
    message?: string,
  ) {
    super(ErrorCode.LIMIT_EXCEEDED, message ?? `Limit ${limit} reached (${current} of ${maximum})`);
  }
}

export class InvalidStateError extends DomainError {
  constructor(message: string) {
    super(ErrorCode.INVALID_STATE, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You do not have permission to do this') {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class AuthenticationError extends DomainError {
  constructor(
    code: Extract<ErrorCode, 'UNAUTHENTICATED' | 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID'>,
    message: string,
  ) {
    super(code, message);
  }
}

/** Turns zod issues into field errors under a path prefix (usually `input`). */
export function fieldErrorsFromZod(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix = 'input'): FieldError[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** Parses `input` with a zod schema or throws a ValidationError naming each bad field. */
export function parseInput<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } } },
  input: unknown,
  prefix = 'input',
): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrorsFromZod(result.error.issues, prefix));
  return result.data;
}
