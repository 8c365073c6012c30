/** Text limits of murmur's protocol messages (error details are capped in bytes, not characters). */

/** `text` cut to at most `maxBytes` UTF-8 bytes, on a code point boundary. */
export function truncateUtf8 (text: string, maxBytes: number): string {
  const encoder = new TextEncoder()
  if (encoder.encode(text).byteLength <= maxBytes) {
    return text
  }
  let out = ''
  let used = 0
  for (const char of text) {
    const size = encoder.encode(char).byteLength
    if (used + size > maxBytes) {
      break
    }
    out += char
    used += size
  }
  return out
}
