// Checks a logo or favicon reference: an https URL, or an inline raster image
// as a base64 data URI.
//
// SVG data URIs are refused outright rather than scanned. An SVG is a document
// that can carry <script>, event handlers, <foreignObject> HTML and entity or
// encoding tricks; a denylist scan of it is exactly the brittle sanitiser we
// avoid elsewhere. A tenant who wants a vector logo hosts it at an https URL,
// where it is rendered from the tenant's own origin.

export const MAX_IMAGE_URL_BYTES = 200 * 1024;
const MAX_HTTPS_URL_LENGTH = 2048;

const DATA_URI = /^data:([^;,]*)(;base64)?,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const RASTER_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
type RasterType = (typeof RASTER_TYPES)[number];

// The first bytes of each format, so a payload labelled image/png really is one
// (and not, say, HTML a careless consumer might sniff and render).
function hasSignature(type: RasterType, bytes: Buffer): boolean {
  switch (type) {
    case 'image/png':
      return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
    case 'image/webp':
      return bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP';
  }
}

function checkDataUri(value: string): string | null {
  const header = DATA_URI.exec(value);
  const type = header?.[1]?.toLowerCase() ?? '';
  if (type === 'image/svg+xml') {
    return 'SVG data URIs are not accepted because SVG can carry script; host the SVG at an https URL or use PNG, JPEG or WebP';
  }
  if (!header || !(RASTER_TYPES as readonly string[]).includes(type)) {
    return 'Data URIs must be data:image/png, data:image/jpeg or data:image/webp';
  }
  if (!header[2]) return 'Data URIs must be base64 encoded (";base64,")';
  const payload = value.slice(header[0].length);
  if (payload.length === 0 || payload.length % 4 !== 0 || !BASE64.test(payload)) {
    return 'Data URI payload is not valid base64';
  }
  if (!hasSignature(type as RasterType, Buffer.from(payload, 'base64'))) {
    return `Data URI payload is not a ${type.slice('image/'.length).toUpperCase()} image`;
  }
  return null;
}

function checkHttpsUrl(value: string): string | null {
  if (value.length > MAX_HTTPS_URL_LENGTH) return `URLs may be at most ${MAX_HTTPS_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Must be an absolute https URL or an image data URI';
  }
  if (url.protocol !== 'https:') return 'Only https URLs are accepted';
  if (url.username || url.password) return 'URLs must not contain credentials';
  return null;
}

/** Returns why `value` is not an acceptable image reference, or null when it is. */
export function checkImageUrl(value: string): string | null {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_IMAGE_URL_BYTES) return `Images may be at most ${MAX_IMAGE_URL_BYTES / 1024} KB (this one is ${Math.ceil(bytes / 1024)} KB)`;
  return /^data:/i.test(value) ? checkDataUri(value) : checkHttpsUrl(value);
}
