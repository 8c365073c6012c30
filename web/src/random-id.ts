/**
 * An id no other tab or page will pick: 16 random bytes as hex. From crypto.getRandomValues,
 * which works in any context (crypto.randomUUID needs a secure one). Names a send (its
 * `clientId`), a tab, the tabs' shared event stream.
 */
export function randomId (): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('')
}
