import { describe, expect, it } from 'vitest';
import { type BrandingInput, brandingStorageBytes, sanitizeBranding, validateBrandingInput } from './branding-input.js';
import { PNG_1X1, WEBP_1X1 } from './test-images.js';

function valid(input: unknown): BrandingInput {
  const result = validateBrandingInput(input);
  if (!result.ok) throw new Error(`expected valid input, got ${JSON.stringify(result.fieldErrors)}`);
  return result.value;
}

function errorsOf(input: unknown): Record<string, string> {
  const result = validateBrandingInput(input);
  if (result.ok) throw new Error('expected invalid input');
  return Object.fromEntries(result.fieldErrors.map((e) => [e.path, e.message]));
}

const FULL_UPDATE = {
  primaryColor: '#0A66C2',
  secondaryColor: '#fff',
  accentColor: '#f59e0b',
  logoLightUrl: 'https://cdn.acme.example/logo-light.svg',
  logoDarkUrl: `data:image/webp;base64,${WEBP_1X1}`,
  faviconUrl: `data:image/png;base64,${PNG_1X1}`,
  fontFamily: 'Inter, Helvetica Neue, Arial, sans-serif',
  headingFontFamily: 'Noto Sans JP',
  customCss: '.hero{background:url(javascript:alert(1));color:#0a66c2}',
  emailTemplates: {
    invitation: {
      subject: 'Join {{tenant.name}} on Acme',
      html: '<p>Hello {{invitee.email}}</p><a href="{{invitation.url}}" onclick="steal()">Accept</a><script>alert(1)</script>',
    },
    trial_ending: { subject: 'Your trial ends in {{trial.daysLeft}} days', html: '<p>Upgrade now.</p>' },
  },
  chatWidget: { enabled: true, position: 'bottom-left', greeting: 'Hi! How can we help?', color: '#0A66C2' },
};

describe('validateBrandingInput', () => {
  it('accepts an empty partial update', () => {
    expect(validateBrandingInput({})).toEqual({ ok: true, value: {} });
  });

  it('accepts a full update and lower-cases colors', () => {
    const value = valid(FULL_UPDATE);
    expect(value.primaryColor).toBe('#0a66c2');
    expect(value.chatWidget?.color).toBe('#0a66c2');
    expect(value.headingFontFamily).toBe('Noto Sans JP');
  });

  it('accepts null to clear a field back to the default', () => {
    expect(valid({ logoDarkUrl: null, customCss: null, emailTemplates: { welcome: null } })).toEqual({
      logoDarkUrl: null,
      customCss: null,
      emailTemplates: { welcome: null },
    });
  });

  it('reports every bad field with its path', () => {
    const errors = errorsOf({
      primaryColor: 'red',
      accentColor: '#12345',
      logoLightUrl: 'http://cdn.example.com/logo.png',
      faviconUrl: `data:image/svg+xml;base64,${Buffer.from('<svg onload="alert(1)"/>').toString('base64')}`,
      fontFamily: 'Inter; } body { background: url(https://evil) ',
      customCss: 'a { color: red',
      emailTemplates: {
        invitation: { subject: 'Hi\r\nBcc: victim@example.com', html: '<p>x</p>' },
        welcome: { subject: 'Welcome {{{user.name}}}', html: '' },
      },
      chatWidget: { enabled: 'yes', position: 'top-left', greeting: 'x'.repeat(281), color: '#00ff00' },
    });
    expect(Object.keys(errors).sort()).toEqual(
      [
        'primaryColor',
        'accentColor',
        'logoLightUrl',
        'faviconUrl',
        'fontFamily',
        'customCss',
        'emailTemplates.invitation.subject',
        'emailTemplates.welcome.subject',
        'emailTemplates.welcome.html',
        'chatWidget.enabled',
        'chatWidget.position',
        'chatWidget.greeting',
      ].sort(),
    );
    expect(errors.primaryColor).toMatch(/hex color/);
    expect(errors.faviconUrl).toMatch(/SVG data URIs are not accepted/);
    expect(errors.customCss).toMatch(/Unclosed block/);
    expect(errors['emailTemplates.invitation.subject']).toMatch(/single line/);
    expect(errors['emailTemplates.welcome.subject']).toMatch(/Unescaped placeholders/);
  });

  it('rejects unknown fields and unknown template keys', () => {
    const errors = errorsOf({ primaryColour: '#fff', emailTemplates: { newsletter: { subject: 'x', html: '<p>x</p>' } } });
    expect(Object.keys(errors)).toEqual(expect.arrayContaining(['', 'emailTemplates']));
  });

  it('enforces the email html size limit in UTF-8 bytes', () => {
    const html = `<p>${'€'.repeat(35_000)}</p>`; // 105,007 bytes, 35,007 characters
    const errors = errorsOf({ emailTemplates: { welcome: { subject: 'Hi', html } } });
    expect(errors['emailTemplates.welcome.html']).toMatch(/at most 100 KB/);
  });

  it('rejects custom CSS over 50,000 bytes', () => {
    const errors = errorsOf({ customCss: `a{content:"${'x'.repeat(50_000)}"}` });
    expect(errors.customCss).toMatch(/limit is 50000 bytes/);
  });
});

describe('sanitizeBranding', () => {
  const stored = sanitizeBranding(valid(FULL_UPDATE));

  it('stores sanitised custom CSS', () => {
    expect(stored.customCss).not.toContain('javascript');
    expect(stored.customCss).toContain('color: #0a66c2');
  });

  it('stores sanitised email html with placeholders intact', () => {
    expect(stored.emailTemplates?.invitation).toEqual({
      subject: 'Join {{tenant.name}} on Acme',
      html: '<p>Hello {{invitee.email}}</p><a href="{{invitation.url}}">Accept</a>',
    });
    expect(stored.emailTemplates?.trial_ending?.html).toBe('<p>Upgrade now.</p>');
    expect(stored.emailTemplates).not.toHaveProperty('welcome');
  });

  it('passes other fields through and leaves absent ones absent', () => {
    expect(stored.chatWidget).toEqual({ enabled: true, position: 'bottom-left', greeting: 'Hi! How can we help?', color: '#0a66c2' });
    expect(sanitizeBranding(valid({ accentColor: '#abc' }))).toEqual({ accentColor: '#abc' });
  });
});

describe('brandingStorageBytes', () => {
  it('counts UTF-8 bytes of the stored JSON', () => {
    expect(brandingStorageBytes({ primaryColor: '#abcdef' })).toBe('{"primaryColor":"#abcdef"}'.length);
    // "€" is three bytes in UTF-8: {"chatWidget":{...}} with a 1-character greeting.
    const withEuro = { chatWidget: { enabled: false, position: 'bottom-right' as const, greeting: '€', color: '#000' } };
    expect(brandingStorageBytes(withEuro)).toBe(JSON.stringify(withEuro).length + 2);
  });
});
