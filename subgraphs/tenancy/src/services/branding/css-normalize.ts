// Turns a piece of tenant CSS into the forms a browser (old or new) might
// "see", so the sanitiser's pattern checks cannot be dodged with CSS escapes
// (`\65 xpression`, `java\script:`), comments (`exp/**/ression`), case,
// full-width letters or whitespace that URL parsers silently drop.

// A CSS escape: backslash + 1–6 hex digits + one optional whitespace, an escaped
// newline (a line continuation, which disappears), or backslash + any other char.
const CSS_ESCAPE = /\\(?:([0-9a-fA-F]{1,6})(?:\r\n|[ \t\r\n\f])?|(\r\n|[\r\n\f])|([\s\S]))/g;

// Comments are stripped without regard for strings on purpose: stripping inside a
// string can only make a checked form *more* suspicious, never less.
const CSS_COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;

// Whitespace, C0/C1 controls and zero-width/format characters: removing them can
// only glue a dangerous word together, never break one apart.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]/g;

// URL parsers drop ASCII tab and newline anywhere in a URL and C0 controls at
// its start (WHATWG URL, basic URL parser), so `java<TAB>script:` is
// `javascript:` to a browser. Spaces stay: they do not vanish from a scheme.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const URL_IGNORED = /[\t\n\r\u0000-\u001f]/g;

const REPLACEMENT_CHAR = '\ufffd';

/** Decodes CSS escape sequences the way the CSS Syntax spec's tokenizer does. */
export function decodeCssEscapes(input: string): string {
  return input.replace(CSS_ESCAPE, (_match, hex: string | undefined, newline: string | undefined, char: string | undefined) => {
    if (hex !== undefined) {
      const codePoint = Number.parseInt(hex, 16);
      const invalid = codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff);
      return invalid ? REPLACEMENT_CHAR : String.fromCodePoint(codePoint);
    }
    if (newline !== undefined) return '';
    return char ?? '';
  });
}

export function stripCssComments(input: string): string {
  return input.replace(CSS_COMMENT, '');
}

/** One way of reading a CSS fragment: compact (for substring checks) and loose (for URL prefixes). */
export interface CssReading {
  /** Lower-cased, NFKC-folded, with every whitespace/control/invisible character removed. */
  compact: string;
  /** Lower-cased, NFKC-folded, only the characters URL parsers ignore removed. */
  loose: string;
}

/**
 * Every plausible reading of `input`: comments stripped before and after decoding
 * escapes (an escaped `\2f *` is not a comment to a modern browser, but checking
 * both orders costs nothing and closes the question).
 */
export function cssReadings(input: string): CssReading[] {
  const decodedFirst = stripCssComments(decodeCssEscapes(input));
  const strippedFirst = decodeCssEscapes(stripCssComments(input));
  const forms = decodedFirst === strippedFirst ? [decodedFirst] : [decodedFirst, strippedFirst];
  return forms.map((form) => {
    const folded = form.normalize('NFKC').toLowerCase();
    return { compact: folded.replace(INVISIBLE, ''), loose: folded.replace(URL_IGNORED, '') };
  });
}
