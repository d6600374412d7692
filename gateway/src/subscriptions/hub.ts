/**
 * Shares upstream subscriptions. Subscribers with the same tenant, role and
 * scopes, the same normalised document and operation name and the same
 * variables form one group: one subscription to the owning subgraph, one
 * execution of the plan's `rest` per event, one serialised result handed to
 * every member. The group subscribes upstream as its first member; the last
 * member to leave closes the upstream.
 *
 * Why this is safe: members of a group hold identical authorization (the
 * subgraphs authorize by tenant, role and scopes), so they are entitled to
 * identical data. Its limit: a field whose value depends on the individual
 * account (e.g. "my unread count", `viewerHasLiked`) would show the first
 * member's value to the whole group, so such fields must not be exposed on
 * subscription payload types (see docs/subscriptions.md).
 */
import type { Identity, Logger } from '@platform/core';
import type { FormattedExecutionResult } from 'graphql';
import type { SubgraphTransport } from '../subgraph-transport.js';
import type { EventExecutor } from './event-executor.js';
import { type Member, SharedResult } from './members.js';
import type { PreparedSubscription } from './planner.js';

export interface Admitted {
  prepared: PreparedSubscription;
  variables: Record<string, unknown>;
}

const YIELD_EVERY = 8;

const SOURCE_FAILED = new SharedResult({
  errors: [{ message: 'The subscription source failed; subscribe again', extensions: { code: 'SUBSCRIPTION_SOURCE_FAILED' } }],
});

export class SubscriptionHub {
  readonly groups = new Map<string, Group>();

  constructor(
    readonly executor: EventExecutor,
    readonly transports: Map<string, SubgraphTransport>,
    readonly logger: Logger,
  ) {}

  join(identity: Identity, admitted: Admitted, member: Member): void {
    const key = sharingKey(identity, admitted);
    let group = this.groups.get(key);
    if (!group) {
      group = new Group(this, key, identity, admitted);
      this.groups.set(key, group);
      void group.run();
    }
    group.add(member);
  }

  stats(): { groups: number; subscribers: number } {
    let subscribers = 0;
    for (const group of this.groups.values()) subscribers += group.size;
    return { groups: this.groups.size, subscribers };
  }

  /** Ends every group and returns every upstream subscription. */
  close(): void {
    for (const group of [...this.groups.values()]) group.finish();
  }
}

class Group {
  private readonly members = new Set<Member>();
  private upstream: AsyncIterableIterator<FormattedExecutionResult> | null = null;
  private closed = false;

  constructor(
    private readonly hub: SubscriptionHub,
    private readonly key: string,
    /** The first member's identity: the upstream subscribes and fetches as it. */
    private readonly identity: Identity,
    private readonly admitted: Admitted,
  ) {}

  get size(): number {
    return this.members.size;
  }

  add(member: Member): void {
    this.members.add(member);
    member.leave = () => {
      if (this.members.delete(member) && this.members.size === 0) this.finish();
    };
  }

  async run(): Promise<void> {
    const { prepared, variables } = this.admitted;
    const { primary } = prepared;
    try {
      const transport = this.hub.transports.get(primary.serviceName);
      if (!transport) throw new Error(`no transport configured for subgraph "${primary.serviceName}"`);
      const upstreamVariables: Record<string, unknown> = {};
      for (const name of primary.variableUsages ?? []) if (name in variables) upstreamVariables[name] = variables[name];
      this.upstream = transport.subscribe({ query: primary.operation, operationName: primary.operationName, variables: upstreamVariables }, this.identity);
      for (let events = 1; !this.closed; events++) {
        const step = await this.upstream.next();
        if (step.done || this.closed) break;
        const result = new SharedResult(await this.hub.executor.run(prepared, this.identity, variables, step.value));
        // A member cut off as a slow consumer leaves during this loop; Set iteration allows that.
        for (const member of this.members) member.deliver(result);
        // A burst of in-process events runs in microtasks only; let sockets flush now and then.
        if (events % YIELD_EVERY === 0) await new Promise(setImmediate);
      }
      this.finish();
    } catch (err) {
      this.hub.logger.error({ err, requestId: this.identity.requestId, subgraph: primary.serviceName }, 'subscription upstream failed');
      this.finish(SOURCE_FAILED);
    }
  }

  /** Ends the group: members are told, the upstream is returned, new subscribers start a new group. */
  finish(final?: SharedResult): void {
    if (this.closed) return;
    this.closed = true;
    if (this.hub.groups.get(this.key) === this) this.hub.groups.delete(this.key);
    const upstream = this.upstream;
    if (upstream?.return) upstream.return().catch((err) => this.hub.logger.warn({ err }, 'closing an upstream subscription failed'));
    const members = [...this.members];
    this.members.clear();
    for (const member of members) member.end(final);
  }
}

/** Tenant, role, sorted scopes, normalised document + operation name, variables. */
function sharingKey(identity: Identity, { prepared, variables }: Admitted): string {
  return JSON.stringify([identity.tenantId, identity.role, [...identity.scopes].sort(), prepared.key, canonical(variables)]);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` give one key. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
