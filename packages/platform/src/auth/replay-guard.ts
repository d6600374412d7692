/**
 * Remembers single-use nonces (of identity headers) until they expire, so a
 * captured header cannot be sent a second time. In memory, per process: it
 * stops replays against this replica; the short header lifetime and the body
 * hash bound what a replay against another replica could do.
 */
export class ReplayGuard {
  // Map keeps insertion order. Headers are minted with a near-constant lifetime,
  // so insertion order is close to expiry order and the oldest entries sit at
  // the front: sweeping from the front until the first live entry is amortised
  // O(1). An entry that outlives its neighbours only delays the sweep a little.
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
  }

  /**
   * Records `nonce` as used until `expiresAtMs`; returns true if it was
   * already recorded (a replay). `nowMs` is for tests.
   */
  seen(nonce: string, expiresAtMs: number, nowMs: number = Date.now()): boolean {
    this.sweep(nowMs);
    if (this.expiries.has(nonce)) return true;
    // At capacity with nothing expired, the oldest nonce is forgotten early: memory
    // stays bounded, and only a replay of that oldest header within its last
    // seconds of life would slip through. Size maxEntries above peak requests per
    // header lifetime (100k covers ~2,800 subgraph requests/s at 35 s).
    while (this.expiries.size >= this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (oldest.done) break;
      this.expiries.delete(oldest.value);
    }
    this.expiries.set(nonce, expiresAtMs);
    return false;
  }

  get size(): number {
    return this.expiries.size;
  }

  private sweep(nowMs: number): void {
    for (const [nonce, expiresAtMs] of this.expiries) {
      if (expiresAtMs > nowMs) return;
      this.expiries.delete(nonce);
    }
  }
}
