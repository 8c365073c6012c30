/**
 * Response headers of the web app (docs/web.md "Security"). The Content-Security-Policy allows
 * only this origin's own scripts, styles and connections; no inline script or style, no eval,
 * no frames, no plug-ins. Trusted Types are required with no policy, so no string can ever be
 * assigned to innerHTML or a similar sink: message text can only become text.
 */
/**
 * The policy; `scriptHashes` (`sha256-<base64>`) allow the inline scripts with exactly these
 * hashes (CSP Level 3, "hash-source"): index.html's boot script (web/build.mjs), and nothing
 * else, as 'unsafe-inline' would.
 */
export function contentSecurityPolicy (scriptHashes: readonly string[] = []): string {
  return [
    "default-src 'none'",
    ["script-src 'self'", ...scriptHashes.map(h => `'${h}'`)].join(' '),
    "style-src 'self'",
    "img-src 'self' blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'"
  ].join('; ')
}

/** The policy of every answer but the app's HTML (which adds its boot script's hash). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy()

/** Sent with every answer of the server, the API's included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  // The camera reads a contact's QR code; nothing else is needed.
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()'
}
