/** Branding: a tenant's look (colors, logos, fonts, CSS), email templates, chat widget and embed code. */
import { LimitExceededError } from '@platform/core';
import { builder } from '../builder.js';
import type { ChatWidget } from '../services/branding/branding-input.js';
import type { BrandingView } from '../services/branding.service.js';
import { TenantRef } from './tenant.js';

const EmailTemplateKey = builder.enumType('EmailTemplateKey', {
  values: {
    INVITATION: { value: 'invitation' },
    WELCOME: { value: 'welcome' },
    PASSWORD_RESET: { value: 'password_reset' },
    TRIAL_ENDING: { value: 'trial_ending' },
  } as const,
});
const ChatWidgetPosition = builder.enumType('ChatWidgetPosition', {
  values: { BOTTOM_RIGHT: { value: 'bottom-right' }, BOTTOM_LEFT: { value: 'bottom-left' } } as const,
});

const EmailTemplateRef = builder.objectRef<BrandingView['emailTemplates'][number]>('EmailTemplate').implement({
  fields: (t) => ({
    key: t.field({ type: EmailTemplateKey, resolve: (e) => e.key }),
    subject: t.exposeString('subject', { description: 'May hold {{placeholders}}, which are HTML-escaped when filled.' }),
    html: t.exposeString('html', { description: 'Sanitised: only markup email clients render, no scripts or remote CSS.' }),
  }),
});
const ChatWidgetRef = builder.objectRef<ChatWidget>('ChatWidget').implement({
  fields: (t) => ({
    enabled: t.exposeBoolean('enabled'),
    position: t.field({ type: ChatWidgetPosition, resolve: (w) => w.position }),
    greeting: t.exposeString('greeting'),
    color: t.exposeString('color'),
  }),
});

export const BrandingRef = builder.objectRef<BrandingView>('Branding').implement({
  description: 'A tenant’s branding. A field that is null uses the platform default.',
  fields: (t) => ({
    primaryColor: t.exposeString('primaryColor', { nullable: true, description: 'Lower-case hex, e.g. #0a66c2.' }),
    secondaryColor: t.exposeString('secondaryColor', { nullable: true }),
    accentColor: t.exposeString('accentColor', { nullable: true }),
    logoLightUrl: t.exposeString('logoLightUrl', { nullable: true, description: 'An https URL or a PNG/JPEG/WebP data URI.' }),
    logoDarkUrl: t.exposeString('logoDarkUrl', { nullable: true }),
    faviconUrl: t.exposeString('faviconUrl', { nullable: true }),
    fontFamily: t.exposeString('fontFamily', { nullable: true }),
    headingFontFamily: t.exposeString('headingFontFamily', { nullable: true }),
    customCss: t.exposeString('customCss', { nullable: true, description: 'The sanitised CSS, safe to place in a <style> element.' }),
    removedCss: t.exposeStringList('removedCss', { description: 'What the sanitiser removed from customCss when it was last set.' }),
    emailTemplates: t.field({ type: [EmailTemplateRef], description: 'Customised templates only; the others use the default.', resolve: (b) => b.emailTemplates }),
    chatWidget: t.field({ type: ChatWidgetRef, nullable: true, resolve: (b) => b.chatWidget ?? null }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.objectFields(TenantRef, (t) => ({
  branding: t.field({
    type: BrandingRef,
    nullable: true,
    description: 'Null only for a tenant other than the one signed in to.',
    authScopes: { permission: 'tenant:read' },
    resolve: (tenant, _a, ctx) => ctx.services.branding.get(ctx.identity, tenant.id),
  }),
  embedCode: t.string({
    nullable: true,
    description: 'A <script> tag that loads the chat widget on the tenant’s own site; null until a chat widget is configured.',
    authScopes: { permission: 'tenant:read' },
    resolve: (tenant, _a, ctx) => ctx.services.branding.embedCode(ctx.identity, tenant),
  }),
}));

const EmailTemplateInput = builder.inputType('EmailTemplateInput', {
  fields: (t) => ({
    subject: t.string({ required: true, description: 'One line, at most 200 characters. {{{raw}}} placeholders are refused.' }),
    html: t.string({ required: true, description: 'At most 100 KB; sanitised before it is stored.' }),
  }),
});
const EmailTemplatesInput = builder.inputType('EmailTemplatesInput', {
  description: 'Per template: omit to keep, null to go back to the default.',
  fields: (t) => ({
    invitation: t.field({ type: EmailTemplateInput }),
    welcome: t.field({ type: EmailTemplateInput }),
    passwordReset: t.field({ type: EmailTemplateInput }),
    trialEnding: t.field({ type: EmailTemplateInput }),
  }),
});
const ChatWidgetInput = builder.inputType('ChatWidgetInput', {
  fields: (t) => ({
    enabled: t.boolean({ required: true }),
    position: t.field({ type: ChatWidgetPosition, required: true }),
    greeting: t.string({ required: true, description: 'At most 280 characters.' }),
    color: t.string({ required: true, description: 'Hex color, e.g. #0a66c2.' }),
  }),
});
const UpdateBrandingInput = builder.inputType('UpdateBrandingInput', {
  description: 'A partial update: an omitted field is kept, null resets it to the platform default.',
  fields: (t) => ({
    primaryColor: t.string({ description: 'Hex color, #abc or #aabbcc.' }),
    secondaryColor: t.string(),
    accentColor: t.string(),
    logoLightUrl: t.string({ description: 'An https URL, or a base64 PNG/JPEG/WebP data URI up to 200 KB (no SVG data URIs).' }),
    logoDarkUrl: t.string(),
    faviconUrl: t.string(),
    fontFamily: t.string({ description: 'Font names and a fallback stack: letters, digits, spaces, hyphens, underscores, commas.' }),
    headingFontFamily: t.string(),
    customCss: t.string({ description: 'WHITE_LABEL only. Up to 50 KB; unsafe rules are removed (see Branding.removedCss).' }),
    emailTemplates: t.field({ type: EmailTemplatesInput }),
    chatWidget: t.field({ type: ChatWidgetInput, description: 'Replaced as a whole.' }),
  }),
});

builder.mutationField('updateBranding', (t) =>
  t.field({
    type: BrandingRef,
    authScopes: { permission: 'branding:manage' },
    errors: { types: [LimitExceededError] },
    args: { input: t.arg({ type: UpdateBrandingInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.branding.update(ctx.identity, input),
  }),
);
