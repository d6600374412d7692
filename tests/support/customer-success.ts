/** Helpers for customer-success tests: usage events as analytics will publish them. */
import type { EventPayload } from '@platform/core';

export function usageEvent(
  customerId: string,
  o: { monthlyActiveUsers?: number; licensedSeats?: number; featuresUsed?: number },
  offsetMs = 0,
): EventPayload<'usage.recorded@1'> {
  const end = new Date(Date.now() + offsetMs);
  const mau = o.monthlyActiveUsers ?? 20;
  return {
    customerId,
    periodStart: new Date(end.getTime() - 30 * 86_400_000).toISOString(),
    periodEnd: end.toISOString(),
    dailyActiveUsers: Math.round(mau * 0.4),
    weeklyActiveUsers: Math.round(mau * 0.8),
    monthlyActiveUsers: mau,
    licensedSeats: o.licensedSeats ?? 50,
    eventCount: mau * 100,
    sessionCount: mau * 10,
    featuresUsed: Array.from({ length: o.featuresUsed ?? 4 }, (_, i) => `feature-${i}`),
    featuresAvailable: 10,
    lastActivityAt: end.toISOString(),
  };
}
