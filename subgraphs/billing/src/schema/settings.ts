/** Per-tenant billing settings and the webhook signing secret. */
import { builder } from '../builder.js';
import type { BillingSettings } from '../services/settings.service.js';
import { DunningFinalActionEnum } from './enums.js';
import { settingsScopes } from './scopes.js';

const BillingSettingsRef = builder.objectRef<BillingSettings>('BillingSettings').implement({
  fields: (t) => ({
    businessName: t.exposeString('businessName', { nullable: true, description: 'The seller on invoices.' }),
    defaultCurrency: t.exposeString('defaultCurrency'),
    taxRateBps: t.exposeInt('taxRateBps', { description: 'Basis points: 2000 = 20 %.' }),
    taxLabel: t.exposeString('taxLabel'),
    paymentTermsDays: t.exposeInt('paymentTermsDays'),
    dunningRetryDays: t.exposeIntList('dunningRetryDays', { description: 'Days after the first failed charge on which payment is retried.' }),
    dunningFinalAction: t.field({ type: DunningFinalActionEnum, resolve: (s) => s.dunningFinalAction as 'MARK_UNPAID' }),
    autoFinalize: t.exposeBoolean('autoFinalize'),
    invoicePrefix: t.exposeString('invoicePrefix'),
    nextInvoiceNumber: t.exposeInt('nextInvoiceNumber'),
    webhookSecretConfigured: t.boolean({ resolve: (s) => s.webhookSecret !== null }),
  }),
});

const UpdateBillingSettingsInput = builder.inputType('UpdateBillingSettingsInput', {
  fields: (t) => ({
    businessName: t.string(),
    defaultCurrency: t.string(),
    taxRateBps: t.int(),
    taxLabel: t.string(),
    paymentTermsDays: t.int(),
    dunningRetryDays: t.intList(),
    dunningFinalAction: t.field({ type: DunningFinalActionEnum }),
    autoFinalize: t.boolean(),
    invoicePrefix: t.string(),
  }),
});

builder.queryField('billingSettings', (t) =>
  t.field({ type: BillingSettingsRef, authScopes: settingsScopes, resolve: (_r, _a, ctx) => ctx.services.settings.get(ctx.identity) }),
);

builder.mutationFields((t) => ({
  updateBillingSettings: t.field({
    type: BillingSettingsRef,
    authScopes: settingsScopes,
    args: { input: t.arg({ type: UpdateBillingSettingsInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.settings.update(ctx.identity, input),
  }),
  rotateBillingWebhookSecret: t.string({
    authScopes: settingsScopes,
    description:
      'A new signing secret for the payment provider’s webhooks (POST /billing/webhooks/stripe/{tenantId}), shown once. The previous secret keeps verifying until the next rotation.',
    resolve: (_r, _a, ctx) => ctx.services.settings.rotateWebhookSecret(ctx.identity),
  }),
}));
