/**
 * The compose rules (docs/messaging.md "Sending"): a message is 1 byte to 64 KiB of UTF-8.
 * The page checks before sending, so the limit is explained before, not after.
 */
export const MAX_TEXT_BYTES = 64 * 1024

const encoder = new TextEncoder()

export function utf8Length (text: string): number {
  return encoder.encode(text).length
}

export type ComposeCheck = { ok: true, bytes: number } | { ok: false, bytes: number, reason: 'empty' | 'too-long' }

export function checkCompose (text: string): ComposeCheck {
  const bytes = utf8Length(text)
  if (text.trim() === '') return { ok: false, bytes, reason: 'empty' }
  if (bytes > MAX_TEXT_BYTES) return { ok: false, bytes, reason: 'too-long' }
  return { ok: true, bytes }
}
