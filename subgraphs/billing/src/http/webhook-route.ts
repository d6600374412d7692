/**
 * The payment provider's webhook endpoint, one URL per tenant
 * (`POST /billing/webhooks/stripe/<tenant id>`), configured in the tenant's
 * Stripe dashboard with the signing secret from `rotateWebhookSecret`. It
 * carries no platform identity: the signature over the raw body is the
 * authentication, checked by the payment service.
 */
import type { HttpRoute, Logger } from '@platform/core';
import type { PaymentService } from '../services/payment.service.js';
import { WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';

export const WEBHOOK_ROUTE_PATH = '/billing/webhooks/stripe/:tenantId';
/** Stripe's events are a few KiB; anything near this is not one of them. */
export const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Without a logger an unexpected error is rethrown to the host, whose route
 * handler logs it and answers the same generic 500; either way the provider
 * learns nothing but "retry later".
 */
export function webhookRoute(payments: PaymentService, options: { logger?: Logger } = {}): HttpRoute {
  return {
    method: 'POST',
    path: WEBHOOK_ROUTE_PATH,
    bodyLimitBytes: WEBHOOK_BODY_LIMIT_BYTES,
    async handle({ params, headers, rawBody, requestId }) {
      const header = headers[WEBHOOK_SIGNATURE_HEADER];
      // Two signature headers are joined, so the verifier sees two timestamps and refuses the request as malformed.
      const signature = Array.isArray(header) ? header.join(',') : header;
      try {
        const { status, body } = await payments.handleWebhook(params.tenantId ?? '', rawBody, signature);
        return { status, body };
      } catch (err) {
        if (!options.logger) throw err;
        options.logger.error({ err, requestId, tenantId: params.tenantId }, 'payment webhook failed');
        return { status: 500, body: { error: 'internal' } };
      }
    },
  };
}
