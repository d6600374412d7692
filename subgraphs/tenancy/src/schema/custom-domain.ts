/** CustomDomain: a domain a tenant serves its pages from, once a DNS TXT record proves it controls it. */
import { ConflictError, LimitExceededError, NotFoundError } from '@platform/core';
import { builder } from '../builder.js';
import type { CustomDomainRow, CustomDomainStatus as Status } from '../services/domain.service.js';
import { verificationRecordName } from '../services/domains/domain-verification.js';
import { TenantRef } from './tenant.js';

const CustomDomainStatus = builder.enumType('CustomDomainStatus', {
  values: {
    PENDING: { description: 'Added, not checked yet.' },
    VERIFIED: { description: 'The TXT record was found at the last conclusive check.' },
    FAILED: { description: 'The last check did not find the token; see lastCheckResult.' },
  } as const,
});

export const CustomDomainRef = builder.objectRef<CustomDomainRow>('CustomDomain').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    domain: t.exposeString('domain', { description: 'Lower-case ASCII (internationalised names in punycode).' }),
    status: t.field({ type: CustomDomainStatus, resolve: (d) => d.status as Status }),
    verificationRecordName: t.string({ description: 'Where to publish the TXT record.', resolve: (d) => verificationRecordName(d.domain) }),
    verificationRecordValue: t.string({ description: 'The TXT record’s value.', resolve: (d) => d.verificationToken }),
    verifiedAt: t.expose('verifiedAt', { type: 'DateTime', nullable: true, description: 'When the domain was first proven; null unless VERIFIED.' }),
    lastCheckedAt: t.expose('lastCheckedAt', { type: 'DateTime', nullable: true }),
    lastCheckResult: t.exposeString('lastCheckResult', { nullable: true, description: 'FOUND, or NOT_FOUND, MISMATCH, DNS_ERROR or TIMEOUT with details.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectField(TenantRef, 'customDomains', (t) =>
  t.field({
    type: [CustomDomainRef],
    authScopes: { permission: 'tenant:read' },
    resolve: (tenant, _a, ctx) => ctx.services.domains.list(ctx.identity, tenant.id),
  }),
);

const RemoveCustomDomainPayload = builder.objectRef<{ removedCustomDomainId: string }>('RemoveCustomDomainPayload').implement({
  fields: (t) => ({ removedCustomDomainId: t.exposeID('removedCustomDomainId') }),
});

builder.mutationFields((t) => ({
  addCustomDomain: t.field({
    type: CustomDomainRef,
    description: 'Claims a domain (ENTERPRISE and up, at most 20); publish its verification record, then call verifyCustomDomain.',
    authScopes: { permission: 'domains:manage' },
    errors: { types: [LimitExceededError, ConflictError] },
    args: { domain: t.arg.string({ required: true, description: 'e.g. app.example.com; no scheme, port or path.' }) },
    resolve: (_r, { domain }, ctx) => ctx.services.domains.add(ctx.identity, domain),
  }),
  verifyCustomDomain: t.field({
    type: CustomDomainRef,
    description: 'Looks up the TXT record now and records the outcome in status and lastCheckResult.',
    authScopes: { permission: 'domains:manage' },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.domains.verify(ctx.identity, id),
  }),
  removeCustomDomain: t.field({
    type: RemoveCustomDomainPayload,
    authScopes: { permission: 'domains:manage' },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx) => ({ removedCustomDomainId: await ctx.services.domains.remove(ctx.identity, id) }),
  }),
}));
