// Decides whether one CSS value (a declaration value or an at-rule prelude) is
// safe to keep. Checks run on every reading produced by css-normalize, and a
// value must pass in all of them: a browser only needs one way in.
import { type CssReading, cssReadings } from './css-normalize.js';

// Matched against the compact reading (lower-cased, escapes decoded, comments
// and whitespace removed), so `Exp/**/Ression (` and `java\73 cript:` hit too.
const FORBIDDEN_FRAGMENTS = ['expression(', 'javascript:', 'vbscript:', '-moz-binding', 'behavior'] as const;

// Functions whose argument is fetched as a URL. `src()` is CSS Values 4's
// string-or-var URL function; unlike url() it accepts var(), which we refuse.
const URL_FUNCTION = /(?:url|src)\(\s*['"]?\s*/g;

// Functions whose bare string arguments are URLs (image-set("a.png" 1x)).
const STRING_URL_FUNCTIONS = ['image-set(', 'image(', 'cross-fade('] as const;
const QUOTED = /(["'])(.*?)\1/g;
const TYPE_HINT_BEFORE = /type\(\s*$/;

/**
 * The URL prefixes tenants may use. Anything relative is refused as well as any
 * other scheme: tenant pages live on our gateway origin, where a tenant has no
 * assets of its own, so a relative URL could only point at our own endpoints.
 * Same-document fragments (`url(#gradient)` for SVG filters and masks) fetch
 * nothing and are kept.
 */
const ALLOWED_URL = /^(?:https:|data:image\/(?:png|jpeg|gif|webp)[;,]|#[a-z0-9_-])/;

export function isAllowedCssUrl(candidate: string): boolean {
  return ALLOWED_URL.test(candidate);
}

function urlCandidates(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_FUNCTION)) {
    found.push(text.slice((match.index ?? 0) + match[0].length));
  }
  return found;
}

function stringUrlCandidates(reading: CssReading): string[] {
  if (!STRING_URL_FUNCTIONS.some((fn) => reading.compact.includes(fn))) return [];
  const found: string[] = [];
  for (const match of reading.loose.matchAll(QUOTED)) {
    // image-set("a.avif" type("image/avif")): the type() string is a MIME type, not a URL.
    // Only a short window before the string is looked at, keeping this linear.
    const index = match.index ?? 0;
    if (TYPE_HINT_BEFORE.test(reading.loose.slice(Math.max(0, index - 32), index))) continue;
    found.push((match[2] ?? '').trim());
  }
  return found;
}

// Candidates run to the end of the value (only their prefix matters); the
// report shows just the URL itself.
function preview(candidate: string): string {
  const url = candidate.split(/[)"'\s]/)[0] ?? '';
  return url.length > 60 ? `${url.slice(0, 57)}...` : url;
}

/** Returns why `value` is unsafe, or null when it may be kept. */
export function findUnsafeCssValue(value: string): string | null {
  for (const reading of cssReadings(value)) {
    const fragment = FORBIDDEN_FRAGMENTS.find((f) => reading.compact.includes(f));
    if (fragment) return `contains "${fragment}"`;

    const candidates = [...urlCandidates(reading.compact), ...urlCandidates(reading.loose), ...stringUrlCandidates(reading)];
    const refused = candidates.find((candidate) => !isAllowedCssUrl(candidate));
    if (refused !== undefined) return `url "${preview(refused)}" is not https: or data:image/(png|jpeg|gif|webp)`;
  }
  return null;
}
