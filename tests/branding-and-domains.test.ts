/**
 * Branding and custom domains through the gateway: what each tier may change,
 * what the sanitiser keeps, who may change it, and how a domain is proven with
 * a DNS TXT record. Every refused change is checked to have stored nothing.
 */
import { PNG_1X1 } from '@platform/tenancy/services/branding/test-images';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberOf, ownerWithTenant } from './support/actors.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';

type Json = Record<string, unknown>;
type Result = Json & { __typename: string };
type Domain = Record<'id' | 'domain' | 'status' | 'verificationRecordName' | 'verificationRecordValue', string> &
  Record<'verifiedAt' | 'lastCheckedAt' | 'lastCheckResult', string | null>;

const BRANDING = `primaryColor secondaryColor accentColor logoLightUrl logoDarkUrl faviconUrl fontFamily headingFontFamily customCss removedCss
  emailTemplates { key subject html } chatWidget { enabled position greeting color } updatedAt`;
const DOMAIN = 'id domain status verificationRecordName verificationRecordValue verifiedAt lastCheckedAt lastCheckResult';
const INVALID = '... on ValidationError { fieldErrors { path message } } ... on Error { message code }';
const LIMIT = '... on LimitExceededError { limit current maximum }';
const NOT_FOUND = '... on NotFoundError { entity }';
const DOMAIN_MUTATIONS = {
  addCustomDomain: ['domain', 'String!', `... on CustomDomain { ${DOMAIN} } ${LIMIT} ... on ConflictError { field }`],
  verifyCustomDomain: ['id', 'ID!', `... on CustomDomain { ${DOMAIN} } ${NOT_FOUND}`],
  removeCustomDomain: ['id', 'ID!', `... on RemoveCustomDomainPayload { removedCustomDomainId } ${NOT_FOUND}`],
} as const;

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

async function updateBranding(token: string, input: Json): Promise<Result> {
  const mutation = `mutation ($input: UpdateBrandingInput!) { updateBranding(input: $input) { __typename ... on Branding { ${BRANDING} } ${LIMIT} ${INVALID} } }`;
  const r = await p.gql<{ updateBranding: Result }>(mutation, { input }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.updateBranding;
}
async function brandingOf(token: string): Promise<{ branding: Json; embedCode: string | null; storageUsed: number }> {
  const query = `{ tenant { branding { ${BRANDING} } embedCode usage { storageBytes { used } } } }`;
  const r = await p.gql<{ tenant: { branding: Json; embedCode: string | null; usage: { storageBytes: { used: number } } } }>(query, {}, token);
  expect(r.errors).toBeUndefined();
  return { branding: r.data!.tenant.branding, embedCode: r.data!.tenant.embedCode, storageUsed: r.data!.tenant.usage.storageBytes.used };
}
async function domainMutation(token: string, field: keyof typeof DOMAIN_MUTATIONS, arg: Json): Promise<Result> {
  const [name, type, selection] = DOMAIN_MUTATIONS[field];
  const r = await p.gql<Record<string, Result>>(`mutation ($${name}: ${type}) { ${field}(${name}: $${name}) { __typename ${selection} ${INVALID} } }`, arg, token);
  expect(r.errors).toBeUndefined();
  return r.data![field]!;
}
async function domainsOf(token: string): Promise<Domain[]> {
  const r = await p.gql<{ tenant: { customDomains: Domain[] } }>(`{ tenant { customDomains { ${DOMAIN} } } }`, {}, token);
  expect(r.errors).toBeUndefined();
  return r.data!.tenant.customDomains;
}

const EMPTY_BRANDING = { primaryColor: null, logoLightUrl: null, customCss: null, removedCss: [], emailTemplates: [], chatWidget: null, updatedAt: null };
const HOSTILE_CSS = [
  '.hero { color: #0A66C2 }',
  '.quote::after { content: "</style><script>alert(1)</script>" }',
  '.a { background: url(javascript:alert(1)); color: #123456 }',
  '.b { width: expression(alert(1)); margin: 0 }',
].join('\n');

describe('branding', () => {
  it('an owner on ENTERPRISE sets branding, reads it back, and a partial update keeps the rest', async () => {
    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const before = await brandingOf(owner.token);
    expect(before.branding).toMatchObject(EMPTY_BRANDING);
    expect(before.embedCode).toBeNull();

    const updated = await updateBranding(owner.token, {
      primaryColor: '#0A66C2',
      secondaryColor: '#fff',
      logoLightUrl: 'https://cdn.acme.example/logo.svg',
      faviconUrl: `data:image/png;base64,${PNG_1X1}`,
      fontFamily: 'Inter, sans-serif',
      emailTemplates: { invitation: { subject: 'Join {{tenant.name}}', html: '<p>Hi</p><script>alert(1)</script><a href="javascript:x()">go</a>' } },
      chatWidget: { enabled: true, position: 'BOTTOM_LEFT', greeting: 'Hi "there" <b>', color: '#ABC' },
    });
    expect(updated).toMatchObject({ __typename: 'Branding', primaryColor: '#0a66c2', secondaryColor: '#fff', customCss: null, removedCss: [] });
    const stored = await brandingOf(owner.token);
    expect(stored.branding).toEqual({ ...updated, __typename: undefined });
    expect(stored.branding).toMatchObject({
      faviconUrl: `data:image/png;base64,${PNG_1X1}`,
      emailTemplates: [{ key: 'INVITATION', subject: 'Join {{tenant.name}}', html: '<p>Hi</p><a>go</a>' }],
      chatWidget: { enabled: true, position: 'BOTTOM_LEFT', greeting: 'Hi "there" <b>', color: '#abc' },
    });
    expect(stored.embedCode).toContain(`/embed/${owner.slug}.js`);
    expect(stored.embedCode).toContain('data-greeting="Hi &quot;there&quot; &lt;b&gt;"');
    expect(stored.storageUsed).toBeGreaterThan(0);

    await updateBranding(owner.token, { accentColor: '#f59e0b', logoLightUrl: null, emailTemplates: { invitation: null } });
    const after = await brandingOf(owner.token);
    expect(after.branding).toMatchObject({ primaryColor: '#0a66c2', accentColor: '#f59e0b', logoLightUrl: null, fontFamily: 'Inter, sans-serif', emailTemplates: [] });
    expect(after.storageUsed).toBeLessThan(stored.storageUsed);
  });

  it('invalid input is a ValidationError naming input fields, and nothing is stored', async () => {
    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    await updateBranding(owner.token, { primaryColor: '#111111' });
    const before = await brandingOf(owner.token);
    const r = await updateBranding(owner.token, {
      primaryColor: 'red',
      logoDarkUrl: 'http://insecure.example/logo.png',
      emailTemplates: { passwordReset: { subject: 'Reset\nBcc: x@evil.example', html: '<p>x</p>' } },
    });
    expect(r.__typename).toBe('ValidationError');
    expect((r.fieldErrors as { path: string }[]).map((e) => e.path).sort()).toEqual(['input.emailTemplates.passwordReset.subject', 'input.logoDarkUrl', 'input.primaryColor']);
    expect(await brandingOf(owner.token)).toEqual(before);
  });

  it('custom CSS is refused on ENTERPRISE, accepted on WHITE_LABEL, and hostile CSS is neutralised', async () => {
    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const refused = await updateBranding(owner.token, { primaryColor: '#222222', customCss: '.a { color: red }' });
    expect(refused).toMatchObject({ __typename: 'LimitExceededError', code: 'LIMIT_EXCEEDED', limit: 'feature.custom_css' });
    expect(refused.message).toContain('WHITE_LABEL');
    expect((await brandingOf(owner.token)).branding).toMatchObject(EMPTY_BRANDING);

    const upgraded = await p.gql<{ changeTier: Result }>('mutation { changeTier(tier: WHITE_LABEL) { __typename ... on Tenant { tier } } }', {}, owner.token);
    expect(upgraded.data?.changeTier).toEqual({ __typename: 'Tenant', tier: 'WHITE_LABEL' });

    const accepted = await updateBranding(owner.token, { customCss: HOSTILE_CSS });
    expect(accepted.__typename).toBe('Branding');
    const { branding } = await brandingOf(owner.token);
    const css = branding.customCss as string;
    expect(css).toBe(accepted.customCss);
    expect(css).toContain('color: #0A66C2');
    expect(css).toContain('\\3c /style\\3e \\3c script\\3e ');
    expect(css).toContain('color: #123456');
    expect(css).toContain('margin: 0');
    for (const bad of ['<', 'javascript:', 'expression(']) expect(css).not.toContain(bad);
    expect(branding.removedCss).toEqual([expect.stringMatching(/^value: background: .*javascript:/), expect.stringMatching(/^value: width: .*expression\(/)]);

    const unparseable = await updateBranding(owner.token, { customCss: '</style><script>alert(1)</script>' });
    expect(unparseable).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: 'input.customCss' }] });
    expect((await brandingOf(owner.token)).branding.customCss).toBe(css);
  });

  it('a FREE tenant cannot brand itself', async () => {
    const owner = await ownerWithTenant(p, { tier: 'FREE' });
    const r = await updateBranding(owner.token, { primaryColor: '#333333' });
    expect(r).toMatchObject({ __typename: 'LimitExceededError', limit: 'feature.branding', current: 0, maximum: 0 });
    expect(r.message).toContain('PROFESSIONAL');
    expect(await brandingOf(owner.token)).toMatchObject({ branding: EMPTY_BRANDING, storageUsed: 0 });
  });

  it('members and viewers can read branding but changing it or domains is FORBIDDEN', async () => {
    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    await updateBranding(owner.token, { primaryColor: '#444444' });
    for (const role of ['viewer', 'member']) {
      const person = await memberOf(p, owner.token, role);
      expect((await brandingOf(owner.token)).branding.primaryColor).toBe('#444444');
      const attempts = [
        'mutation { updateBranding(input: { primaryColor: "#000000" }) { __typename } }',
        'mutation { addCustomDomain(domain: "forbidden.example.com") { __typename } }',
      ];
      for (const mutation of attempts) {
        const r = await p.gql(mutation, {}, person.token);
        expect(r.errors?.[0]?.extensions?.code, `${role}: ${mutation}`).toBe('FORBIDDEN');
        expect(r.data ?? null).toBeNull();
      }
      const seen = await p.gql<{ tenant: { branding: Json; customDomains: unknown[] } }>('{ tenant { branding { primaryColor } customDomains { id } } }', {}, person.token);
      expect(seen.data?.tenant).toEqual({ branding: { primaryColor: '#444444' }, customDomains: [] });
    }
  });
});

describe('custom domains', () => {
  it('a domain is verified once its TXT record holds the token, and unverified when it is gone', async () => {
    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const added = await domainMutation(owner.token, 'addCustomDomain', { domain: ' Shop.Lifecycle.EXAMPLE. ' });
    const record = '_b2b-ops-challenge.shop.lifecycle.example';
    expect(added).toMatchObject({ __typename: 'CustomDomain', domain: 'shop.lifecycle.example', status: 'PENDING', verificationRecordName: record, verifiedAt: null, lastCheckedAt: null });
    expect(added.verificationRecordValue).toMatch(/^b2b-ops-verify=/);
    const id = added.id as string;

    const missing = await domainMutation(owner.token, 'verifyCustomDomain', { id });
    expect(missing).toMatchObject({ status: 'FAILED', verifiedAt: null, lastCheckedAt: p.clock.now.toISOString() });
    expect(missing.lastCheckResult).toMatch(/^NOT_FOUND/);

    p.txt.set(record, [['unrelated'], [added.verificationRecordValue as string]]);
    const found = await domainMutation(owner.token, 'verifyCustomDomain', { id });
    expect(found).toMatchObject({ status: 'VERIFIED', verifiedAt: p.clock.now.toISOString(), lastCheckResult: 'FOUND' });
    expect(await domainsOf(owner.token)).toEqual([expect.objectContaining({ id, status: 'VERIFIED', verifiedAt: found.verifiedAt })]);

    p.clock.advance(60_000);
    const recheck = await domainMutation(owner.token, 'verifyCustomDomain', { id });
    expect(recheck).toMatchObject({ status: 'VERIFIED', verifiedAt: found.verifiedAt, lastCheckedAt: p.clock.now.toISOString() });

    p.txt.delete(record);
    const lost = await domainMutation(owner.token, 'verifyCustomDomain', { id });
    expect(lost).toMatchObject({ status: 'FAILED', verifiedAt: null });

    expect(await domainMutation(owner.token, 'removeCustomDomain', { id })).toEqual({ __typename: 'RemoveCustomDomainPayload', removedCustomDomainId: id });
    expect(await domainsOf(owner.token)).toEqual([]);
  });

  it('an invalid domain is a ValidationError on `domain` and adds nothing', async () => {
    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    for (const domain of ['https://shop.example.com/path', 'localhost', '10.0.0.1', 'no_underscores.example.com', '']) {
      const r = await domainMutation(owner.token, 'addCustomDomain', { domain });
      expect(r, domain).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: 'domain' }] });
    }
    expect(await domainsOf(owner.token)).toEqual([]);
  });

  it('a domain claimed by another tenant, or twice, is a ConflictError', async () => {
    const a = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const b = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const claimed = await domainMutation(a.token, 'addCustomDomain', { domain: 'taken.example.com' });
    expect(claimed.__typename).toBe('CustomDomain');
    for (const [owner, domain] of [[b, 'TAKEN.example.com'], [a, 'taken.example.com']] as const) {
      expect(await domainMutation(owner.token, 'addCustomDomain', { domain })).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: 'domain' });
    }
    expect(await domainsOf(b.token)).toEqual([]);
    expect((await domainsOf(a.token)).map((d) => d.id)).toEqual([claimed.id]);
  });

  it("another tenant can neither see, verify nor remove a tenant's domain", async () => {
    const a = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const b = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    const added = await domainMutation(a.token, 'addCustomDomain', { domain: 'private.example.com' });
    p.txt.set('_b2b-ops-challenge.private.example.com', [[added.verificationRecordValue as string]]);
    expect(await domainsOf(b.token)).toEqual([]);
    for (const field of ['verifyCustomDomain', 'removeCustomDomain'] as const) {
      for (const id of [added.id, 'not-a-uuid']) {
        expect(await domainMutation(b.token, field, { id })).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', entity: 'CustomDomain' });
      }
    }
    expect(await domainsOf(a.token)).toEqual([expect.objectContaining({ id: added.id, status: 'PENDING', lastCheckedAt: null })]);
  });

  it('custom domains need ENTERPRISE, and a tenant may have at most 20', async () => {
    const pro = await ownerWithTenant(p, { tier: 'PROFESSIONAL' });
    const refused = await domainMutation(pro.token, 'addCustomDomain', { domain: 'pro.example.com' });
    expect(refused).toMatchObject({ __typename: 'LimitExceededError', limit: 'feature.custom_domains' });
    expect(refused.message).toContain('ENTERPRISE');
    expect(await domainsOf(pro.token)).toEqual([]);

    const owner = await ownerWithTenant(p, { tier: 'ENTERPRISE' });
    for (let i = 0; i < 20; i++) expect((await domainMutation(owner.token, 'addCustomDomain', { domain: `d${i}.many.example` })).__typename).toBe('CustomDomain');
    const over = await domainMutation(owner.token, 'addCustomDomain', { domain: 'd20.many.example' });
    expect(over).toMatchObject({ __typename: 'LimitExceededError', limit: 'custom_domains', current: 20, maximum: 20 });
    expect(await domainsOf(owner.token)).toHaveLength(20);
  });
});
