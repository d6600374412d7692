// Validates a (partial) branding update and turns it into the form we store.
// Two steps on purpose: validation reports every field error at once for the
// GraphQL ValidationError; sanitising then rewrites CSS and email HTML, and
// cannot fail on an input that validated.
//
// Partial-update semantics: a missing field is left unchanged; `null` clears it
// back to the platform default. `emailTemplates` merges per template key;
// `chatWidget` is replaced as a whole.
import { z } from 'zod';
import { CssSanitizeError, sanitizeCustomCss } from './css-sanitizer.js';
import { hasUnescapedPlaceholder, sanitizeEmailHtml } from './email-html.js';
import { checkImageUrl } from './image-url.js';

export const EMAIL_TEMPLATE_KEYS = ['invitation', 'welcome', 'password_reset', 'trial_ending'] as const;
export type EmailTemplateKey = (typeof EMAIL_TEMPLATE_KEYS)[number];

export const MAX_EMAIL_HTML_BYTES = 100 * 1024;
const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
// Letters and digits of any script, spaces, hyphens, underscores and commas (for
// a fallback stack). No quotes, semicolons, braces or backslashes, so the value
// can sit in a CSS declaration without escaping out of it.
const FONT_FAMILY = /^[\p{L}\p{N}][\p{L}\p{N} _,-]*$/u;
// Control characters other than tab; in a subject \r or \n would be header injection.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001f\u007f]/;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

const hexColor = z.string().trim().regex(HEX_COLOR, 'Must be a hex color like #1a2b3c or #abc').toLowerCase();

const imageUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = checkImageUrl(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const fontFamily = z
  .string()
  .trim()
  .min(1, 'Must not be empty')
  .max(200, 'Must be at most 200 characters')
  .regex(FONT_FAMILY, 'Only letters, digits, spaces, hyphens, underscores and commas are allowed');

const customCss = z.string().superRefine((css, ctx) => {
  try {
    sanitizeCustomCss(css);
  } catch (error) {
    if (!(error instanceof CssSanitizeError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

const noUnescapedPlaceholders = (text: string): boolean => !hasUnescapedPlaceholder(text);
const UNESCAPED_MESSAGE = 'Unescaped placeholders ({{{…}}} or {{& …}}) are not allowed';

const emailTemplate = z.strictObject({
  subject: z
    .string()
    .trim()
    .min(1, 'Must not be empty')
    .max(200, 'Must be at most 200 characters')
    .refine((s) => !CONTROL_CHARS.test(s), 'Must be a single line without control characters')
    .refine(noUnescapedPlaceholders, UNESCAPED_MESSAGE),
  html: z
    .string()
    .min(1, 'Must not be empty')
    .refine((s) => utf8Bytes(s) <= MAX_EMAIL_HTML_BYTES, `Must be at most ${MAX_EMAIL_HTML_BYTES / 1024} KB`)
    .refine(noUnescapedPlaceholders, UNESCAPED_MESSAGE),
});

export const chatWidgetSchema = z.strictObject({
  enabled: z.boolean(),
  position: z.enum(['bottom-right', 'bottom-left']),
  greeting: z
    .string()
    .trim()
    .max(280, 'Must be at most 280 characters')
    .refine((s) => !CONTROL_CHARS.test(s), 'Must not contain control characters'),
  color: hexColor,
});

export const brandingInputSchema = z.strictObject({
  primaryColor: hexColor.nullish(),
  secondaryColor: hexColor.nullish(),
  accentColor: hexColor.nullish(),
  logoLightUrl: imageUrl.nullish(),
  logoDarkUrl: imageUrl.nullish(),
  faviconUrl: imageUrl.nullish(),
  fontFamily: fontFamily.nullish(),
  headingFontFamily: fontFamily.nullish(),
  customCss: customCss.nullish(),
  emailTemplates: z.partialRecord(z.enum(EMAIL_TEMPLATE_KEYS), emailTemplate.nullable()).nullish(),
  chatWidget: chatWidgetSchema.nullish(),
});

export type BrandingInput = z.output<typeof brandingInputSchema>;
export type ChatWidget = z.output<typeof chatWidgetSchema>;
export type EmailTemplate = z.output<typeof emailTemplate>;
/** Same shape as the input; customCss and email html are the sanitised text. */
export type StoredBranding = BrandingInput;

export interface FieldError {
  path: string;
  message: string;
}

export type BrandingValidation = { ok: true; value: BrandingInput } | { ok: false; fieldErrors: FieldError[] };

export function validateBrandingInput(input: unknown): BrandingValidation {
  const result = brandingInputSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    fieldErrors: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}

/** The stored form of a validated update. Only fields present in `input` appear. */
export function sanitizeBranding(input: BrandingInput): StoredBranding {
  const stored: StoredBranding = { ...input };
  if (typeof input.customCss === 'string') stored.customCss = sanitizeCustomCss(input.customCss).css;
  if (input.emailTemplates) {
    const templates: NonNullable<StoredBranding['emailTemplates']> = {};
    for (const key of EMAIL_TEMPLATE_KEYS) {
      const template = input.emailTemplates[key];
      if (template === undefined) continue;
      templates[key] = template === null ? null : { subject: template.subject, html: sanitizeEmailHtml(template.html) };
    }
    stored.emailTemplates = templates;
  }
  return stored;
}

/** UTF-8 size of the stored JSON, which the caller counts against the tenant's storage quota. */
export function brandingStorageBytes(stored: StoredBranding): number {
  return utf8Bytes(JSON.stringify(stored));
}
