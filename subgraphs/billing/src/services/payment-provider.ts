/**
 * The payment-provider boundary. Billing asks the provider to charge an open
 * invoice; the outcome comes back asynchronously as a signed webhook
 * (`payment_intent.succeeded` / `payment_intent.payment_failed`, Stripe's
 * format), which is the only way an invoice becomes paid by the provider.
 *
 * The built-in `sandbox` provider makes no network call: it hands out
 * PaymentIntent-style ids and leaves the outcome to whoever posts the webhook
 * (tests, the docs' curl example, or a tenant's own Stripe account pointed at
 * the webhook route). A real Stripe adapter implements the same interface.
 */
export interface ChargeRequest {
  tenantId: string;
  invoiceId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  /** 1 for the first charge of the invoice, then 2, 3 … for dunning retries. */
  attempt: number;
  /** Stable per (invoice, attempt): a provider that supports idempotency keys gets this one. */
  idempotencyKey: string;
}

export interface PaymentProvider {
  readonly name: string;
  requestCharge(request: ChargeRequest): Promise<{ providerPaymentId: string }>;
}

export function sandboxPaymentProvider(): PaymentProvider {
  return {
    name: 'sandbox',
    async requestCharge() {
      return { providerPaymentId: `pi_${crypto.randomUUID().replaceAll('-', '')}` };
    },
  };
}
