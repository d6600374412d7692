/**
 * The SDK batch endpoint, `POST /analytics/batch`, in the shape PostHog's and
 * Segment's SDKs use: `{ "batch": [ { "id", "event", "distinctId", ... } ] }`
 * with `Authorization: Bearer <ingestion key>` (or `api_key` in the body).
 * Answers 200 with `{ accepted, duplicates, rejected: [{ index, path, message }] }`
 * even when some events were refused (the contract of ingest.service.ts);
 * 400 when the body is not such a batch, 401 for a missing or unknown key,
 * 413 above the body limit.
 */
import type { HttpRoute, Logger } from '@platform/core';
import type { IngestService } from '../services/ingest.service.js';
import { MAX_BATCH_EVENTS } from '../services/ingest.service.js';
import type { SettingsService } from '../services/settings.service.js';

export const BATCH_ROUTE_PATH = '/analytics/batch';
/** 5,000 events of about 2 KiB each, compressed nothing. */
export const BATCH_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export function batchRoute(ingest: IngestService, settings: SettingsService, options: { logger?: Logger } = {}): HttpRoute {
  return {
    method: 'POST',
    path: BATCH_ROUTE_PATH,
    bodyLimitBytes: BATCH_BODY_LIMIT_BYTES,
    async handle({ headers, rawBody, requestId }) {
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return { status: 400, body: { error: 'bad_request', message: 'the body must be JSON' } };
      }
      const batch = (body as { batch?: unknown } | null)?.batch;
      if (!Array.isArray(batch)) return { status: 400, body: { error: 'bad_request', message: 'the body must be an object with a `batch` array' } };
      if (batch.length > MAX_BATCH_EVENTS) return { status: 400, body: { error: 'batch_too_large', message: `at most ${MAX_BATCH_EVENTS} events per batch` } };
      const key = bearer(headers.authorization) ?? (typeof (body as { api_key?: unknown }).api_key === 'string' ? (body as { api_key: string }).api_key : null);
      if (!key) return { status: 401, body: { error: 'unauthenticated', message: 'send the ingestion key as Authorization: Bearer <key>' } };
      const tenantId = await settings.tenantForIngestKey(key);
      if (!tenantId) return { status: 401, body: { error: 'unauthenticated', message: 'unknown ingestion key' } };
      try {
        return { status: 200, body: await ingest.trackForTenant(tenantId, batch) };
      } catch (err) {
        if (!options.logger) throw err;
        options.logger.error({ err, requestId, tenantId }, 'event batch failed');
        return { status: 500, body: { error: 'internal' } };
      }
    },
  };
}

function bearer(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}
