/**
 * Contact names as murmur stores and compares them (docs/messaging.md "Contacts"): Unicode NFC
 * without surrounding space, compared without case. No imports: the CLI resolves names with it
 * without loading the messenger.
 */

/** A name as stored: NFC, so "Zoë" with a combining diaeresis and with a precomposed ë is one name. */
export function normalizeName (name: string): string {
  return name.normalize('NFC').trim()
}

/** The key two names are compared by: "carol" and "Carol" are one name. */
export function nameKey (name: string): string {
  return normalizeName(name).toLocaleLowerCase('und')
}
