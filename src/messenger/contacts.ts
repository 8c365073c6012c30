/**
 * The contact book: local names for peer IDs (DESIGN.md "Identity and addressing": a name is a
 * local label; the peer ID is the identity key, so a contact's key cannot change silently).
 */
import { identityKeyFromPeerId, InvalidPeerIdError } from '../crypto/identity.js'
import type { ContactRecord, Store } from '../store/index.js'
import { ContactExistsError, ContactNotFoundError, InvalidContactNameError } from './errors.js'
import { nameKey, normalizeName } from './names.js'
import type { ContactView } from './types.js'

export const MAX_CONTACT_NAME_LENGTH = 64

/** Checks a name a user gave: printable, not empty, not too long, and not shaped like a peer ID. */
export function validateContactName (name: string): string {
  const trimmed = typeof name === 'string' ? normalizeName(name) : ''
  if (trimmed === '') throw new InvalidContactNameError('a contact name must not be empty')
  if ([...trimmed].length > MAX_CONTACT_NAME_LENGTH) throw new InvalidContactNameError(`a contact name is at most ${MAX_CONTACT_NAME_LENGTH} characters`)
  if (/\p{Cc}/u.test(trimmed)) throw new InvalidContactNameError('a contact name must not contain control characters')
  if (isPeerId(trimmed)) throw new InvalidContactNameError('a contact name must not be a peer ID')
  return trimmed
}

export function isPeerId (value: string): boolean {
  try {
    identityKeyFromPeerId(value)
    return true
  } catch {
    return false
  }
}

/** Throws InvalidPeerIdError (typed) for anything that is not an Ed25519 peer ID. */
export function validatePeerId (peerId: string): string {
  identityKeyFromPeerId(peerId)
  return peerId
}

function view (record: ContactRecord): ContactView {
  return { name: record.name, peerId: record.peerId, verified: record.verified, addedAt: record.addedAt }
}

export class ContactBook {
  private readonly store: Store
  /** The whole book in memory (it is small and read on every send); reset on each change. */
  private cache: ContactView[] | undefined

  constructor (store: Store) {
    this.store = store
  }

  async list (): Promise<ContactView[]> {
    if (this.cache == null) {
      const all = await this.store.sublevels.contacts.list()
      this.cache = all.map(e => view(e.value)).sort((a, b) => a.name.localeCompare(b.name))
    }
    return [...this.cache]
  }

  private changed (): void {
    this.cache = undefined
  }

  async byPeerId (peerId: string): Promise<ContactView | undefined> {
    return (await this.list()).find(c => c.peerId === peerId)
  }

  /** The contact whose name is `name` up to Unicode normalisation and case. */
  async byName (name: string): Promise<ContactView | undefined> {
    const wanted = nameKey(name)
    return (await this.list()).find(c => nameKey(c.name) === wanted)
  }

  /** A contact name or a peer ID, to the peer ID (and contact, when there is one). */
  async resolve (nameOrPeerId: string): Promise<{ peerId: string, contact?: ContactView }> {
    if (typeof nameOrPeerId !== 'string' || nameOrPeerId.trim() === '') throw new ContactNotFoundError('name a contact or a peer ID')
    const byName = await this.byName(nameOrPeerId)
    if (byName != null) return { peerId: byName.peerId, contact: byName }
    if (isPeerId(nameOrPeerId)) {
      const contact = await this.byPeerId(nameOrPeerId)
      return contact != null ? { peerId: nameOrPeerId, contact } : { peerId: nameOrPeerId }
    }
    if (/^(12D3Koo|Qm|16U)/.test(nameOrPeerId)) throw new InvalidPeerIdError(`"${nameOrPeerId}" is not a valid peer ID`)
    throw new ContactNotFoundError(`no contact named "${nameOrPeerId}"`)
  }

  async add (name: string, peerId: string, now = Date.now()): Promise<ContactView> {
    const clean = validateContactName(name)
    validatePeerId(peerId)
    if (await this.byName(clean) != null) throw new ContactExistsError(`a contact named "${clean}" already exists`)
    if (await this.byPeerId(peerId) != null) throw new ContactExistsError('that peer ID is already a contact')
    const record: ContactRecord = { peerId, name: clean, verified: false, addedAt: now }
    await this.store.commit(b => { b.put(this.store.sublevels.contacts, peerId, record) }, { sync: true })
    this.changed()
    return view(record)
  }

  async rename (nameOrPeerId: string, newName: string, now = Date.now()): Promise<ContactView> {
    const { contact } = await this.resolve(nameOrPeerId)
    if (contact == null) throw new ContactNotFoundError(`no contact "${nameOrPeerId}"`)
    const clean = validateContactName(newName)
    const clash = await this.byName(clean)
    if (clash != null && clash.peerId !== contact.peerId) throw new ContactExistsError(`a contact named "${clean}" already exists`)
    const record = await this.store.sublevels.contacts.get(contact.peerId)
    if (record == null) throw new ContactNotFoundError()
    const next: ContactRecord = { ...record, name: clean, updatedAt: now }
    await this.store.commit(b => { b.put(this.store.sublevels.contacts, contact.peerId, next) }, { sync: true })
    this.changed()
    return view(next)
  }

  async remove (nameOrPeerId: string): Promise<ContactView> {
    const { contact } = await this.resolve(nameOrPeerId)
    if (contact == null) throw new ContactNotFoundError(`no contact "${nameOrPeerId}"`)
    await this.store.commit(b => { b.del(this.store.sublevels.contacts, contact.peerId) }, { sync: true })
    this.changed()
    return contact
  }

  async setVerified (peerId: string, verified: boolean, now = Date.now()): Promise<ContactView> {
    const record = await this.store.sublevels.contacts.get(peerId)
    if (record == null) throw new ContactNotFoundError('only a contact can be marked verified; add it first')
    const next: ContactRecord = { ...record, verified, ...(verified ? { verifiedAt: now } : {}), updatedAt: now }
    await this.store.commit(b => { b.put(this.store.sublevels.contacts, peerId, next) }, { sync: true })
    this.changed()
    return view(next)
  }
}
