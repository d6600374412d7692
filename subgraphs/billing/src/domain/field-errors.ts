/**
 * Collects field errors across a whole input so one ValidationError lists
 * every bad field at once, instead of making the user fix them one by one.
 */
import { type FieldError, ValidationError } from '@platform/core';

export class FieldErrors {
  readonly errors: FieldError[] = [];

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** Runs a check that throws ValidationError; its field errors are kept and undefined is returned. */
  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.errors.push(...error.fieldErrors);
      return undefined;
    }
  }

  throwIfAny(message: string): void {
    if (this.errors.length > 0) throw new ValidationError(this.errors, message);
  }
}

/** `prefix.path`, or just `path` without a prefix. */
export function joinPath(prefix: string, path: string): string {
  return prefix ? `${prefix}.${path}` : path;
}
