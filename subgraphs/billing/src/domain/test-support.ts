/** Shared by the domain tests: the field errors of a call that must fail with a ValidationError. */
import { ValidationError } from '@platform/core';
import { expect } from 'vitest';

export function fieldErrorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fieldErrors;
  }
  throw new Error('expected a ValidationError');
}
