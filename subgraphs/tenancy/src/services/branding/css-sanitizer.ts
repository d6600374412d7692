// Sanitises tenant-supplied custom CSS before it is stored and later injected
// into a <style> element of white-labelled pages.
//
// Why postcss and not a ready-made CSS sanitiser: the npm candidates (cssfilter,
// postcss-sanitize, @barkleapp/css-sanitizer) either only filter inline `style`
// attributes, or are small and unmaintained, and none decodes CSS escapes before
// checking. postcss is the maintained parser everybody builds on; the policy on
// top is ours (css-value-policy.ts) and is allowlist-first: four at-rules, two
// URL schemes.
import postcss, { type AtRule, CssSyntaxError, type Declaration, type Root } from 'postcss';
import { decodeCssEscapes } from './css-normalize.js';
import { findUnsafeCssValue } from './css-value-policy.js';

export const DEFAULT_MAX_CSS_BYTES = 50_000;

const ALLOWED_AT_RULES = new Set(['media', 'supports', 'font-face', 'keyframes']);
const FORBIDDEN_PROPERTIES = new Set(['behavior', '-moz-binding', '-ms-behavior']);
// A property name as a browser would accept it (custom properties included);
// anything else is garbage that postcss tolerated.
const PROPERTY_NAME = /^(?:--[a-z0-9_-]+|-?[a-z][a-z0-9-]*)$/;

export type CssRemovalKind = 'at-rule' | 'property' | 'value' | 'declaration';

export interface CssRemoval {
  kind: CssRemovalKind;
  detail: string;
}

export interface SanitizedCss {
  css: string;
  removed: CssRemoval[];
}

export type CssSanitizeErrorCode = 'CSS_TOO_LARGE' | 'CSS_UNPARSEABLE';

export class CssSanitizeError extends Error {
  override readonly name = 'CssSanitizeError';
  constructor(
    readonly code: CssSanitizeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Escapes what could end the surrounding <style> element. Only `</style` can do
 * that, but we remove every `<` so no spelling of it survives; `\3c ` means the
 * same character inside CSS strings and url(). In values `>` is escaped too. In
 * selectors and at-rule preludes `>` is the child combinator / a media range
 * comparison, which `\3e ` would break, and a lone `>` cannot close an element.
 * The one legitimate `<` this neutralises is a media range (`width < 600px`);
 * `max-width` says the same thing.
 */
function escapeLt(text: string): string {
  return text.replace(/</g, '\\3c ');
}
function escapeAngles(text: string): string {
  return escapeLt(text).replace(/>/g, '\\3e ');
}

function normalizedName(name: string): string {
  return decodeCssEscapes(name).toLowerCase();
}

function parse(css: string): Root {
  try {
    return postcss.parse(css);
  } catch (error) {
    if (error instanceof CssSyntaxError) {
      const where = error.line === undefined ? '' : ` at line ${error.line}, column ${error.column}`;
      throw new CssSanitizeError('CSS_UNPARSEABLE', `Custom CSS could not be parsed: ${error.reason}${where}`);
    }
    throw error;
  }
}

function checkAtRule(atRule: AtRule, removed: CssRemoval[]): void {
  const name = normalizedName(atRule.name);
  const prelude = `@${atRule.name}${atRule.params ? ` ${atRule.params}` : ''}`;
  if (!ALLOWED_AT_RULES.has(name)) {
    removed.push({ kind: 'at-rule', detail: prelude });
    atRule.remove();
    return;
  }
  const unsafe = findUnsafeCssValue(atRule.params);
  if (unsafe) {
    removed.push({ kind: 'at-rule', detail: `${prelude}: ${unsafe}` });
    atRule.remove();
  }
}

function checkDeclaration(decl: Declaration, removed: CssRemoval[]): void {
  const prop = normalizedName(decl.prop);
  if (decl.parent?.type === 'root') {
    removed.push({ kind: 'declaration', detail: `${decl.prop}: declaration outside any rule` });
  } else if (FORBIDDEN_PROPERTIES.has(prop)) {
    removed.push({ kind: 'property', detail: decl.prop });
  } else if (!PROPERTY_NAME.test(prop)) {
    removed.push({ kind: 'property', detail: `invalid property name ${JSON.stringify(decl.prop)}` });
  } else {
    // raws.value.raw holds the original text when postcss cleaned comments out of it.
    const raw = typeof decl.raws.value === 'object' ? decl.raws.value.raw : decl.value;
    const unsafe = findUnsafeCssValue(raw) ?? findUnsafeCssValue(decl.value);
    if (!unsafe) return;
    removed.push({ kind: 'value', detail: `${decl.prop}: ${unsafe}` });
  }
  decl.remove();
}

/** Strips comments and every original spacing so nothing hides in `raws`. */
function neutraliseSerialisation(root: Root): void {
  root.walkComments((comment) => {
    comment.remove();
  });
  root.raws = {};
  root.walk((node) => {
    // A semicolon after the last declaration keeps a custom property's value from
    // swallowing the newline before `}`.
    node.raws = node.type === 'rule' || node.type === 'atrule' ? { semicolon: true } : {};
    if (node.type === 'decl') node.value = escapeAngles(node.value);
    if (node.type === 'rule') node.selector = escapeLt(node.selector);
    if (node.type === 'atrule') node.params = escapeLt(node.params);
  });
}

export function sanitizeCustomCss(css: string, opts: { maxBytes?: number } = {}): SanitizedCss {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_CSS_BYTES;
  const bytes = Buffer.byteLength(css, 'utf8');
  if (bytes > maxBytes) {
    throw new CssSanitizeError('CSS_TOO_LARGE', `Custom CSS is ${bytes} bytes; the limit is ${maxBytes} bytes`);
  }

  const root = parse(css);
  const removed: CssRemoval[] = [];
  root.walkAtRules((atRule) => checkAtRule(atRule, removed));
  root.walkDecls((decl) => checkDeclaration(decl, removed));
  neutraliseSerialisation(root);

  const output = root.toString();
  // Belt and braces: the walk above must have removed every `<`; if postcss ever
  // serialises one from somewhere we did not visit, refuse rather than emit it.
  if (output.includes('<')) {
    throw new CssSanitizeError('CSS_UNPARSEABLE', 'Custom CSS could not be made safe to embed');
  }
  return { css: output, removed };
}
