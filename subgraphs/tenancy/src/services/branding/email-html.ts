// Sanitises tenant-edited HTML email templates with sanitize-html (maintained,
// htmlparser2-based, filters inline styles through postcss). The allowlist is the
// markup email clients actually render: tables, text, links and images, with
// inline styles limited to properties whose values cannot fetch or run anything.
//
// Template placeholders (`{{tenant.name}}`, `href="{{invitation.url}}"`) pass
// through untouched; whoever renders the template must HTML-escape the values it
// substitutes, and an URL placeholder must be filled by the platform, never by a
// user-typed value.
import sanitizeHtml from 'sanitize-html';

const LEN = String.raw`(?:0|auto|-?\d+(?:\.\d+)?(?:px|em|rem|%|pt))`;
const COLOR = String.raw`(?:#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\([\d.,%\s/]+\))`;
const BORDER_STYLE = '(?:none|solid|dashed|dotted|double)';

const exactly = (pattern: string): RegExp[] => [new RegExp(`^${pattern}$`, 'i')];
const oneOf = (...words: string[]): RegExp[] => exactly(`(?:${words.join('|')})`);
const upToFour = (token: string): RegExp[] => exactly(`${token}(?:\\s+${token}){0,3}`);

const LENGTH = exactly(LEN);
const LENGTHS = upToFour(LEN);
const COLORS = exactly(COLOR);
const BORDER = exactly(`(?:${LEN}|${BORDER_STYLE}|${COLOR})(?:\\s+(?:${LEN}|${BORDER_STYLE}|${COLOR})){0,2}`);

// No value pattern admits `(` except rgb()/rgba(), so url(), expression() and
// friends never match, and no property that takes an image is listed.
const SAFE_STYLES: Record<string, RegExp[]> = {
  color: COLORS,
  'background-color': COLORS,
  background: COLORS,
  'font-family': exactly(`[\\w\\s,"'-]{1,200}`),
  'font-size': [...LENGTH, ...oneOf('x-small', 'small', 'medium', 'large', 'x-large', 'xx-large')],
  'font-weight': oneOf('normal', 'bold', 'bolder', 'lighter', '[1-9]00'),
  'font-style': oneOf('normal', 'italic'),
  'line-height': [...LENGTH, ...exactly(String.raw`\d+(?:\.\d+)?`), ...oneOf('normal')],
  'letter-spacing': [...LENGTH, ...oneOf('normal')],
  'text-align': oneOf('left', 'right', 'center', 'justify'),
  'text-decoration': oneOf('none', 'underline', 'line-through'),
  'text-transform': oneOf('none', 'uppercase', 'lowercase', 'capitalize'),
  'vertical-align': oneOf('top', 'middle', 'bottom', 'baseline'),
  display: oneOf('block', 'inline', 'inline-block', 'none', 'table', 'table-row', 'table-cell'),
  'border-collapse': oneOf('collapse', 'separate'),
  'border-radius': LENGTHS,
  'border-color': COLORS,
  'border-style': oneOf(BORDER_STYLE),
  'border-width': LENGTHS,
  width: LENGTH,
  height: LENGTH,
  'max-width': LENGTH,
  'min-width': LENGTH,
};
for (const box of ['margin', 'padding']) {
  SAFE_STYLES[box] = LENGTHS;
  for (const side of ['top', 'right', 'bottom', 'left']) SAFE_STYLES[`${box}-${side}`] = LENGTH;
}
for (const side of ['', '-top', '-right', '-bottom', '-left']) SAFE_STYLES[`border${side}`] = BORDER;

// href/src must be an absolute URL with an allowed scheme, or exactly one
// placeholder. Relative links mean nothing in an inbox, so they are dropped.
const LINK = /^(?:https:|mailto:|tel:)/i;
const IMAGE = /^https:/i;
const PLACEHOLDER = /^\{\{\s*[a-z_][\w.]*\s*\}\}$/i;

function keepUrl(attribs: sanitizeHtml.Attributes, name: string, allowed: RegExp): sanitizeHtml.Attributes {
  const value = attribs[name]?.trim();
  const { [name]: _dropped, ...rest } = attribs;
  return value !== undefined && (allowed.test(value) || PLACEHOLDER.test(value)) ? { ...rest, [name]: value } : rest;
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'a', 'b', 'blockquote', 'br', 'caption', 'center', 'code', 'col', 'colgroup', 'div', 'em',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'li', 'ol', 'p', 'pre', 's', 'small',
    'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
  ],
  allowedAttributes: {
    '*': ['style', 'align', 'dir', 'lang', 'title'],
    a: ['href', 'name'],
    img: ['src', 'alt', 'width', 'height', 'border'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'bgcolor', 'role'],
    td: ['width', 'height', 'colspan', 'rowspan', 'bgcolor', 'valign'],
    th: ['width', 'height', 'colspan', 'rowspan', 'bgcolor', 'valign', 'scope'],
    tr: ['bgcolor', 'valign'],
    col: ['width', 'span'],
  },
  allowedSchemes: ['https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  allowedStyles: { '*': SAFE_STYLES },
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: keepUrl(attribs, 'href', LINK) }),
    img: (tagName, attribs) => ({ tagName, attribs: keepUrl(attribs, 'src', IMAGE) }),
  },
  // Elements whose text must go with them: scripts and styles, and the <head>
  // parts of a pasted full document, whose text would otherwise leak into the body.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'noscript', 'noembed', 'noframes', 'iframe', 'template', 'title', 'head'],
};

export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}

/** `{{{raw}}}` and `{{& raw}}` are unescaped output in Handlebars/Mustache. */
export function hasUnescapedPlaceholder(text: string): boolean {
  return /\{\{\{|\{\{\s*&/.test(text);
}
