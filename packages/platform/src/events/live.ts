/**
 * In-process fan-out of committed events to live listeners (GraphQL
 * subscriptions). The event bus publishes here after the relay commits (or when
 * another process announces events through NOTIFY). Each listener has its own
 * bounded buffer: a listener that stops reading is cut off (its iterator throws
 * LiveBufferOverflowError) instead of growing memory without limit.
 */
import type { LiveEvents, StoredEvent } from '@platform/db';

export const DEFAULT_LIVE_BUFFER = 1_000;

export class LiveBufferOverflowError extends Error {
  constructor(limit: number) {
    super(`live event listener fell more than ${limit} events behind and was disconnected`);
  }
}

interface Listener {
  source: string;
  filter: (event: StoredEvent) => boolean;
  push(event: StoredEvent): void;
}

export interface LiveEventHub extends LiveEvents {
  publish(events: readonly StoredEvent[]): void;
  /** Number of live listeners (metrics, tests). */
  size(): number;
  /** Ends every listener (shutdown). */
  close(): void;
}

export function createLiveEventHub(): LiveEventHub {
  const listeners = new Set<Listener>();
  const closers = new Set<() => void>();

  function subscribe(source: string, filter: (event: StoredEvent) => boolean, options: { signal?: AbortSignal; bufferLimit?: number } = {}) {
    const limit = options.bufferLimit ?? DEFAULT_LIVE_BUFFER;
    const buffer: StoredEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    let failure: Error | null = null;

    const finish = () => {
      if (done) return;
      done = true;
      listeners.delete(listener);
      closers.delete(finish);
      options.signal?.removeEventListener('abort', finish);
      wake?.();
    };
    const listener: Listener = {
      source,
      filter,
      push(event) {
        if (buffer.length >= limit) {
          failure = new LiveBufferOverflowError(limit);
          finish();
          return;
        }
        buffer.push(event);
        wake?.();
      },
    };
    listeners.add(listener);
    closers.add(finish);
    options.signal?.addEventListener('abort', finish, { once: true });

    const iterator: AsyncIterableIterator<StoredEvent> = {
      async next() {
        while (buffer.length === 0 && !done) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = null;
        }
        if (buffer.length > 0) return { value: buffer.shift()!, done: false };
        if (failure) throw failure;
        return { value: undefined, done: true };
      },
      async return() {
        buffer.length = 0;
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  return {
    subscribe,
    publish(events) {
      if (listeners.size === 0) return;
      for (const event of events) {
        for (const listener of listeners) {
          if (listener.source === event.source && listener.filter(event)) listener.push(event);
        }
      }
    },
    size: () => listeners.size,
    close() {
      for (const close of [...closers]) close();
    },
  };
}

/** Maps an async iterator, passing `return` through so ending the subscription unsubscribes. */
export function mapAsyncIterator<A, B>(source: AsyncIterableIterator<A>, map: (a: A) => B): AsyncIterableIterator<B> {
  const mapped: AsyncIterableIterator<B> = {
    next: async () => {
      const r = await source.next();
      return r.done ? { done: true, value: undefined } : { done: false, value: map(r.value) };
    },
    return: async () => {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
