/**
 * Subscribers of a shared subscription group. A group hands each event's
 * result to every member once; a member that falls behind (too many messages
 * pending, or too many bytes buffered on its socket) is cut off as a slow
 * consumer so it cannot hold memory for everyone else.
 *
 * - `SocketMember` (graphql-ws) writes `next` messages straight to its socket,
 *   reusing the JSON of the result that the group serialised once. Its pending
 *   messages are those written since the socket's send buffer was last empty:
 *   a burst the kernel takes at once never counts against a client (write
 *   callbacks would: they run only after the burst), and no per-message
 *   callback is needed. Its iterator only tells graphql-ws when the
 *   subscription ends (graphql-ws then sends `complete`).
 * - `QueueMember` is an async iterator over a bounded queue (graphql-sse and
 *   any other consumer that pulls results).
 */
import type { FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

/** One event's result for a whole group; serialised at most once. */
export class SharedResult {
  private text: string | undefined;
  constructor(readonly value: FormattedExecutionResult) {}
  json(): string {
    this.text ??= JSON.stringify(this.value);
    return this.text;
  }
}

export interface Member {
  /** One event's result; shared by the group, never mutated. */
  deliver(result: SharedResult): void;
  /** The group ended (upstream completed, failed, or shut down); `final` is its last word, if any. */
  end(final?: SharedResult): void;
  /** Set by the group: leaves it (the last to leave closes the upstream). */
  leave: () => void;
}

export interface MemberLimits {
  /** Messages a subscriber may have pending before it is cut off. */
  queueLimit: number;
  /** Bytes a socket may have buffered before it is cut off. */
  maxBufferedBytes: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const OPEN = 1;

export class SocketMember implements Member, AsyncIterableIterator<never> {
  leave: () => void = () => {};
  private pending = 0;
  private ended = false;
  private wake: ((result: IteratorReturnResult<undefined>) => void) | null = null;
  private readonly prefix: string;

  constructor(
    private readonly socket: WebSocket,
    id: string,
    private readonly limits: MemberLimits,
    private readonly onSlow: () => void,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  deliver(result: SharedResult): void {
    if (this.ended || this.socket.readyState !== OPEN) return;
    const buffered = this.socket.bufferedAmount;
    if (buffered === 0) this.pending = 0;
    else if (this.pending >= this.limits.queueLimit || buffered > this.limits.maxBufferedBytes) {
      this.return();
      this.onSlow();
      return;
    }
    this.pending++;
    this.socket.send(`${this.prefix}${result.json()}}`);
  }

  end(final?: SharedResult): void {
    if (final) this.deliver(final);
    this.finish();
  }

  next(): Promise<IteratorResult<never, undefined>> {
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    if (!this.ended) this.leave();
    this.finish();
    return Promise.resolve(DONE);
  }

  throw(): Promise<IteratorReturnResult<undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    this.ended = true;
    this.wake?.(DONE);
    this.wake = null;
  }
}

export class QueueMember implements Member, AsyncIterableIterator<FormattedExecutionResult> {
  leave: () => void = () => {};
  private readonly queue: FormattedExecutionResult[] = [];
  private ended = false;
  private wake: ((result: IteratorResult<FormattedExecutionResult, undefined>) => void) | null = null;

  constructor(
    private readonly queueLimit: number,
    private readonly onSlow: () => void,
  ) {}

  deliver(result: SharedResult): void {
    this.push(result.value);
  }

  end(final?: SharedResult): void {
    if (final) this.push(final.value);
    this.ended = true;
    if (this.queue.length === 0) this.release(DONE);
  }

  next(): Promise<IteratorResult<FormattedExecutionResult, undefined>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ done: false, value });
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  return(): Promise<IteratorReturnResult<undefined>> {
    if (!this.ended) this.leave();
    this.ended = true;
    this.queue.length = 0;
    this.release(DONE);
    return Promise.resolve(DONE);
  }

  throw(): Promise<IteratorReturnResult<undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private push(value: FormattedExecutionResult): void {
    if (this.ended) return;
    if (this.wake) this.release({ done: false, value });
    else if (this.queue.length < this.queueLimit) this.queue.push(value);
    else {
      this.return();
      this.onSlow();
    }
  }

  private release(result: IteratorResult<FormattedExecutionResult, undefined>): void {
    const wake = this.wake;
    this.wake = null;
    wake?.(result);
  }
}
