/**
 * Slow-consumer rules of subscribers, without a network: a burst the socket
 * absorbs never counts, a backlog does; results are serialised once per group.
 */
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { QueueMember, SharedResult, SocketMember } from './members.js';

function fakeSocket() {
  const sent: string[] = [];
  const socket = {
    readyState: 1,
    bufferedAmount: 0,
    sent,
    // Write callbacks never run: as inside one burst of in-process events.
    send: (data: string) => void sent.push(data),
  };
  return socket;
}

const limits = { queueLimit: 3, maxBufferedBytes: 1_000 };

describe('SocketMember', () => {
  it('writes graphql-ws next messages with the group JSON, serialised once for all members', () => {
    const a = fakeSocket();
    const b = fakeSocket();
    const result = new SharedResult({ data: { ticked: { n: 1 } } });
    const stringify = vi.spyOn(JSON, 'stringify');
    new SocketMember(a as unknown as WebSocket, 'op-"1"', limits, () => {}).deliver(result);
    new SocketMember(b as unknown as WebSocket, 'op-2', limits, () => {}).deliver(result);
    const calls = stringify.mock.calls.filter(([value]) => value === result.value).length;
    stringify.mockRestore();
    expect(calls).toBe(1);
    expect(JSON.parse(a.sent[0]!)).toEqual({ id: 'op-"1"', type: 'next', payload: { data: { ticked: { n: 1 } } } });
    expect(JSON.parse(b.sent[0]!)).toEqual({ id: 'op-2', type: 'next', payload: { data: { ticked: { n: 1 } } } });
  });

  it('never counts messages the socket took at once, however many', () => {
    const socket = fakeSocket();
    const onSlow = vi.fn();
    const member = new SocketMember(socket as unknown as WebSocket, '1', limits, onSlow);
    for (let n = 0; n < 1_000; n++) member.deliver(new SharedResult({ data: { n } }));
    expect(onSlow).not.toHaveBeenCalled();
    expect(socket.sent).toHaveLength(1_000);
  });

  it('cuts off after queueLimit messages written while the socket was backed up', () => {
    const socket = fakeSocket();
    const onSlow = vi.fn();
    const leave = vi.fn();
    const member = new SocketMember(socket as unknown as WebSocket, '1', limits, onSlow);
    member.leave = leave;
    socket.bufferedAmount = 10;
    for (let n = 0; n < 5; n++) member.deliver(new SharedResult({ data: { n } }));
    expect(socket.sent).toHaveLength(3);
    expect(onSlow).toHaveBeenCalledOnce();
    expect(leave).toHaveBeenCalledOnce();
  });

  it('cuts off as soon as the buffered bytes exceed maxBufferedBytes', () => {
    const socket = fakeSocket();
    const onSlow = vi.fn();
    const member = new SocketMember(socket as unknown as WebSocket, '1', limits, onSlow);
    socket.bufferedAmount = 1_001;
    member.deliver(new SharedResult({ data: {} }));
    expect(socket.sent).toHaveLength(0);
    expect(onSlow).toHaveBeenCalledOnce();
  });

  it('ends its iterator when the group ends, after the final message', async () => {
    const socket = fakeSocket();
    const member = new SocketMember(socket as unknown as WebSocket, '1', limits, () => {});
    const waiting = member.next();
    member.end(new SharedResult({ errors: [{ message: 'gone' }] }));
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(JSON.parse(socket.sent[0]!).payload).toEqual({ errors: [{ message: 'gone' }] });
  });
});

describe('QueueMember', () => {
  it('hands a result straight to a waiting reader', async () => {
    const member = new QueueMember(1, () => {});
    const waiting = member.next();
    member.deliver(new SharedResult({ data: { n: 1 } }));
    expect(await waiting).toEqual({ done: false, value: { data: { n: 1 } } });
  });

  it('cuts off a reader that lets more than queueLimit results pile up', async () => {
    const onSlow = vi.fn();
    const leave = vi.fn();
    const member = new QueueMember(2, onSlow);
    member.leave = leave;
    for (let n = 0; n < 3; n++) member.deliver(new SharedResult({ data: { n } }));
    expect(onSlow).toHaveBeenCalledOnce();
    expect(leave).toHaveBeenCalledOnce();
    expect(await member.next()).toEqual({ done: true, value: undefined });
  });

  it('delivers what is queued and the final result before ending', async () => {
    const member = new QueueMember(5, () => {});
    member.deliver(new SharedResult({ data: { n: 1 } }));
    member.end(new SharedResult({ errors: [{ message: 'gone' }] }));
    expect((await member.next()).value).toEqual({ data: { n: 1 } });
    expect((await member.next()).value).toEqual({ errors: [{ message: 'gone' }] });
    expect((await member.next()).done).toBe(true);
  });

  it('leaves its group once when returned', async () => {
    const leave = vi.fn();
    const member = new QueueMember(5, () => {});
    member.leave = leave;
    const waiting = member.next();
    await member.return();
    await member.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(leave).toHaveBeenCalledOnce();
  });
});
