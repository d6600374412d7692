/**
 * Iterators over a subgraph subscription, as the transports return them: the
 * in-process one wraps the runtime's answer (a stream, or the errors that
 * refused it), the graphql-ws one is fed by the client's sink. Both end at
 * once on `return()`, even while a `next()` waits, and pass the return on.
 */
import type { SubscriptionResult } from '@platform/core';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Sink } from 'graphql-ws';

type Step = IteratorResult<FormattedExecutionResult, undefined>;
const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Adapts `SubgraphRuntime.subscribe` (a promise of a stream or a refusal) to an iterator. */
export class StartedSubscription implements AsyncIterableIterator<FormattedExecutionResult> {
  private refusal: FormattedExecutionResult | null = null;
  private stream: AsyncIterableIterator<FormattedExecutionResult> | null = null;
  private returned = false;

  constructor(private readonly started: Promise<SubscriptionResult>) {
    started.then(
      (result) => {
        if (!(Symbol.asyncIterator in result)) this.refusal = result;
        else if (this.returned) void result.return?.();
        else this.stream = result;
      },
      () => {}, // next() reports the failure
    );
  }

  async next(): Promise<Step> {
    await this.started;
    if (this.returned) return DONE;
    if (this.stream) return this.stream.next();
    const refusal = this.refusal;
    this.refusal = null;
    return refusal ? { done: false, value: refusal } : DONE;
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.returned = true;
    await this.stream?.return?.();
    return DONE;
  }

  async throw(): Promise<IteratorReturnResult<undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Collects a graphql-ws client subscription. An `error` message (the
 * subgraph refused the operation) arrives as a result carrying its errors;
 * a lost connection, after the client's retries, makes `next()` throw.
 */
export class SinkSubscription implements AsyncIterableIterator<FormattedExecutionResult> {
  readonly sink: Sink<FormattedExecutionResult>;
  /** Set by the transport: unsubscribes from the client. */
  dispose: () => void = () => {};
  private readonly queue: FormattedExecutionResult[] = [];
  private failure: Error | null = null;
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(subgraph: string) {
    this.sink = {
      next: (value) => this.push(value),
      error: (err) => {
        if (Array.isArray(err)) this.push({ errors: err as GraphQLFormattedError[] });
        else this.failure = new Error(`subscription to subgraph ${subgraph} failed: ${describe(err)}`);
        this.end();
      },
      complete: () => this.end(),
    };
  }

  async next(): Promise<Step> {
    for (;;) {
      const value = this.queue.shift();
      if (value) return { done: false, value };
      if (this.failure) throw this.failure;
      if (this.ended) return DONE;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    if (!this.ended) this.dispose();
    this.queue.length = 0;
    this.end();
    return DONE;
  }

  async throw(): Promise<IteratorReturnResult<undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(value: FormattedExecutionResult): void {
    if (this.ended) return;
    this.queue.push(value);
    this.release();
  }

  private end(): void {
    this.ended = true;
    this.release();
  }

  private release(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === 'object' && 'code' in err) return `connection closed (${String((err as { code: unknown }).code)} ${String((err as { reason?: unknown }).reason ?? '')})`;
  return String(err);
}
