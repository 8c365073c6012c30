/**
 * The compose box: Enter sends, Shift+Enter starts a new line. An empty message cannot be
 * sent, and the 64 KiB limit is shown as the text nears it, before sending. The unsent text is
 * the conversation's draft (drafts.ts): a box is made per conversation (keyed by peer ID) and
 * starts from it.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { errorText, NodeUnreachableError } from '../api.js'
import { draftAfterSending, draftOf, setDraft } from '../drafts.js'
import { randomId } from '../random-id.js'
import { sendMessage } from '../state.js'
import { checkCompose, MAX_TEXT_BYTES } from '../text.js'

const SHOW_COUNT_FROM = MAX_TEXT_BYTES * 0.9

/** The next compose box to mount takes the focus (focusNextCompose). */
let focusOnMount = false

/**
 * Moving to another conversation from the keyboard (Alt+↑/↓, App.tsx) replaces the compose box
 * (one per conversation): the focus it had would fall back to the page's start, and a keyboard
 * user would have to Tab through the whole list to write again. The new box takes it instead.
 */
export function focusNextCompose (): void {
  focusOnMount = true
}

export function Compose ({ peerId, name, onSent }: { peerId: string, name: string, onSent: () => void }) {
  const [text, setText] = useState(() => draftOf(peerId))
  const [error, setError] = useState<string | undefined>(undefined)
  const [sending, setSending] = useState(false)
  const box = useRef<HTMLTextAreaElement>(null)
  /** The text last sent without an answer, and the id it was sent with. */
  const attempt = useRef<{ text: string, clientId: string } | undefined>(undefined)
  const check = checkCompose(text)
  useEffect(() => {
    if (!focusOnMount) return
    focusOnMount = false
    box.current?.focus()
  }, [])

  const send = (): void => {
    if (!check.ok || sending) return
    setSending(true)
    setError(undefined)
    // The same text sent again after a failure keeps its id: if the node did store it (only its
    // answer was lost), it is not sent a second time.
    if (attempt.current?.text !== text) attempt.current = { text, clientId: randomId() }
    sendMessage(peerId, text, attempt.current.clientId).then(() => {
      attempt.current = undefined
      setText(draftAfterSending(peerId, text))
      onSent()
    }, (err: unknown) => {
      setError(err instanceof NodeUnreachableError
        ? 'Perhaps not sent: the node did not answer, and may have stored it. Send again: it is not sent twice.'
        : `Not sent: ${errorText(err)}`)
    }).finally(() => {
      setSending(false)
      box.current?.focus()
    })
  }

  const tooLong = !check.ok && check.reason === 'too-long'
  return (
    <form class="compose" onSubmit={(e) => { e.preventDefault(); send() }}>
      <label for="compose-text" class="visually-hidden">Message to {name}</label>
      <textarea
        id="compose-text"
        dir="auto"
        ref={box}
        rows={2}
        value={text}
        placeholder={`Message ${name} (Enter sends, Shift+Enter: new line)`}
        aria-describedby="compose-help"
        aria-invalid={tooLong}
        onInput={(e) => {
          setText(e.currentTarget.value)
          setDraft(peerId, e.currentTarget.value)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            send()
          }
        }}
      />
      <button type="submit" disabled={!check.ok || sending}>Send</button>
      <p id="compose-help" class={tooLong ? 'error' : 'hint'} role={tooLong ? 'alert' : undefined}>
        {tooLong
          ? `Too long to send: ${check.bytes.toLocaleString()} bytes; a message is at most ${MAX_TEXT_BYTES.toLocaleString()} bytes (64 KiB) of UTF-8. Remove ${(check.bytes - MAX_TEXT_BYTES).toLocaleString()} bytes.`
          : check.bytes >= SHOW_COUNT_FROM
            ? `${check.bytes.toLocaleString()} of ${MAX_TEXT_BYTES.toLocaleString()} bytes`
            : ''}
      </p>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
    </form>
  )
}
