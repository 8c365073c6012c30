/**
 * The start of the page, before the app: trades a sign-in code for the session cookie, then
 * opens the link to the node (link.ts), whose first read is then under way.
 *
 * It runs twice as fast as the app could start it: boot-inline.ts runs it from a small script
 * inlined into index.html (allowed by its SHA-256 in the Content-Security-Policy, docs/web.md
 * "Security"), while the app's module is still being fetched and parsed; the app (main.tsx)
 * takes it over. So sign-in, the stream and the first read no longer wait for the module.
 */
import { signIn } from './api.js'
import { openLink, type Link } from './link.js'

export interface Booted {
  /** The sign-in code in the URL was refused (used, unknown or expired). */
  signInRefused: boolean
  /**
   * The sign-in code in the URL, when the node could not be reached to trade it (stopped, or
   * restarting): it is still good, and the app tries it again until the node answers. No link
   * is opened then: without the session cookie it would only be refused.
   */
  signInPending?: string
  link?: Link
}

/** The name under which the inlined boot script leaves its work for the app. */
export const BOOT_GLOBAL = '__murmurBoot'

/** The code in a sign-in URL (`…#code=…`), in a pasted URL, or the code itself. */
export function codeFrom (text: string): string {
  const match = /(?:#|^)code=([A-Za-z0-9_-]+)/.exec(text.trim())
  return match !== null ? match[1] : text.trim()
}

export async function boot (): Promise<Booted> {
  // Marks on the page's timeline (performance entries) say where an opening's time goes:
  // bench/web.ts reads them.
  performance.mark('murmur:boot')
  const hash = location.hash
  let signInRefused = false
  if (hash.startsWith('#code=')) {
    // At once, before any await: the code stays in no history entry.
    history.replaceState(null, '', `${location.pathname}#/`)
    // A used or expired code is no harm when this browser is signed in already; the sign-in
    // page says what happened only when it is not.
    const code = codeFrom(hash)
    try {
      signInRefused = !await signIn(code)
    } catch {
      // No answer is no refusal: the code was not spent, and is good once the node is back.
      return { signInRefused: false, signInPending: code }
    }
    performance.mark('murmur:signed-in')
  }
  return { signInRefused, link: openLink() }
}

/** The inlined script's boot, once (a second caller, or none inlined: a new one). */
export function takeBoot (): Promise<Booted> {
  const holder = window as unknown as Record<string, Promise<Booted> | undefined>
  const started = holder[BOOT_GLOBAL]
  holder[BOOT_GLOBAL] = undefined
  return started ?? boot()
}
