/**
 * What the person typed into a conversation's compose box and has not sent: one text per
 * conversation, kept outside the box itself. The box is rebuilt when another conversation
 * opens (the text must not follow into it, where Enter would send it to the wrong contact) and
 * when the "stopped" page replaces the app while the node restarts (the text must not be lost).
 * In this page's memory only: unsent plaintext is never written to the browser's storage.
 */
const drafts = new Map<string, string>()

export function draftOf (peerId: string): string {
  return drafts.get(peerId) ?? ''
}

export function setDraft (peerId: string, text: string): void {
  if (text === '') drafts.delete(peerId)
  else drafts.set(peerId, text)
}

/**
 * `sent` went out from `peerId`'s box: what was typed after it while the send was in flight
 * stays (the box was not locked meanwhile); the rest goes. Returns the draft left.
 */
export function draftAfterSending (peerId: string, sent: string): string {
  const now = draftOf(peerId)
  const left = now.startsWith(sent) ? now.slice(sent.length) : now
  setDraft(peerId, left.trim() === '' ? '' : left)
  return draftOf(peerId)
}
