/**
 * The contact book: local names for peer IDs (DESIGN.md "Identity and addressing": a name is a
 * local label; the peer ID is the identity key, so a contact's key cannot change silently).
 */
import { identityKeyFromPeerId, InvalidPeerIdError } from '../crypto/identity.js'
import type { ContactRecord, Store } from '../store/index.js'
import { ContactExistsError, ContactNotFoundError, InvalidContactNameError } from './errors.js'
import { nameKey, normalizeName } from './names.js'
import { KeyedLocks } from '../runtime/keyed-locks.js'
import type { ContactView } from './types.js'

export const MAX_CONTACT_NAME_LENGTH = 64

/** The one key of the book's change lock. */
const BOOK = 'book'

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

/** The book as held in memory: sorted for listing, and indexed for the lookups every send and receive make. */
interface BookIndex {
  readonly sorted: readonly ContactView[]
  readonly byPeerId: ReadonlyMap<string, ContactView>
  /** By nameKey: names compare without case and normalization. */
  readonly byNameKey: ReadonlyMap<string, ContactView>
}

export class ContactBook {
  private readonly store: Store
  /** Changes one at a time: a name's uniqueness is checked and written under it. */
  private readonly changes = new KeyedLocks()
  /** The whole book in memory (it is read on every send and receive); dropped on each change. */
  private index: BookIndex | undefined
  /** Counts changes, so that a read of the store that a change overtook is not kept. */
  private generation = 0

  constructor (store: Store) {
    this.store = store
  }

  private async load (): Promise<BookIndex> {
    if (this.index !== undefined) return this.index
    const generation = this.generation
    const all = await this.store.sublevels.contacts.list()
    const sorted = all.map(e => view(e.value)).sort((a, b) => a.name.localeCompare(b.name))
    const byNameKey = new Map<string, ContactView>()
    // The first in the book's order, should a store written before names were unique by key hold two.
    for (const c of sorted) {
      const key = nameKey(c.name)
      if (!byNameKey.has(key)) byNameKey.set(key, c)
    }
    const index: BookIndex = { sorted, byPeerId: new Map(sorted.map(c => [c.peerId, c])), byNameKey }
    if (generation === this.generation) this.index = index
    return index
  }

  async list (): Promise<ContactView[]> {
    return [...(await this.load()).sorted]
  }

  private changed (): void {
    this.generation++
    this.index = undefined
  }

  async byPeerId (peerId: string): Promise<ContactView | undefined> {
    return (await this.load()).byPeerId.get(peerId)
  }

  /** The contact whose name is `name` up to Unicode normalisation and case. */
  async byName (name: string): Promise<ContactView | undefined> {
    return (await this.load()).byNameKey.get(nameKey(name))
  }

  /**
   * A peer ID or a contact name, to the peer ID (and contact, when there is one). A valid peer
   * ID always means that peer: it is the identity key itself, and no name stands in for it (a
   * contact named like another peer's ID in other case would otherwise take that peer's
   * messages, since names compare without case).
   */
  async resolve (nameOrPeerId: string): Promise<{ peerId: string, contact?: ContactView }> {
    if (typeof nameOrPeerId !== 'string' || nameOrPeerId.trim() === '') throw new ContactNotFoundError('name a contact or a peer ID')
    // Space around a pasted peer ID is not part of it (names are compared trimmed anyway).
    const wanted = nameOrPeerId.trim()
    const index = await this.load()
    // A contact's peer ID was checked when it was added.
    const known = index.byPeerId.get(wanted)
    if (known !== undefined) return { peerId: known.peerId, contact: known }
    if (isPeerId(wanted)) return { peerId: wanted }
    const byName = index.byNameKey.get(nameKey(wanted))
    if (byName !== undefined) return { peerId: byName.peerId, contact: byName }
    if (/^(12D3Koo|Qm|16U)/.test(wanted)) throw new InvalidPeerIdError(`"${wanted}" is not a valid peer ID`)
    throw new ContactNotFoundError(`no contact named "${wanted}"`)
  }

  async add (name: string, peerId: string, now = Date.now()): Promise<ContactView> {
    return await this.changes.run(BOOK, async () => await this.addUnlocked(name, peerId, now))
  }

  private async addUnlocked (name: string, pastedPeerId: string, now: number): Promise<ContactView> {
    const clean = validateContactName(name)
    const peerId = validatePeerId(typeof pastedPeerId === 'string' ? pastedPeerId.trim() : pastedPeerId)
    if (await this.byName(clean) != null) throw new ContactExistsError(`a contact named "${clean}" already exists`)
    if (await this.byPeerId(peerId) != null) throw new ContactExistsError('that peer ID is already a contact')
    const record: ContactRecord = { peerId, name: clean, verified: false, addedAt: now }
    await this.store.commit(b => { b.put(this.store.sublevels.contacts, peerId, record) }, { sync: true })
    this.changed()
    return view(record)
  }

  async rename (nameOrPeerId: string, newName: string, now = Date.now()): Promise<ContactView> {
    return await this.changes.run(BOOK, async () => await this.renameUnlocked(nameOrPeerId, newName, now))
  }

  private async renameUnlocked (nameOrPeerId: string, newName: string, now: number): Promise<ContactView> {
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
    return await this.changes.run(BOOK, async () => await this.removeUnlocked(nameOrPeerId))
  }

  private async removeUnlocked (nameOrPeerId: string): Promise<ContactView> {
    const { contact } = await this.resolve(nameOrPeerId)
    if (contact == null) throw new ContactNotFoundError(`no contact "${nameOrPeerId}"`)
    await this.store.commit(b => { b.del(this.store.sublevels.contacts, contact.peerId) }, { sync: true })
    this.changed()
    return contact
  }

  async setVerified (peerId: string, verified: boolean, now = Date.now()): Promise<ContactView> {
    return await this.changes.run(BOOK, async () => await this.setVerifiedUnlocked(peerId, verified, now))
  }

  private async setVerifiedUnlocked (peerId: string, verified: boolean, now: number): Promise<ContactView> {
    const record = await this.store.sublevels.contacts.get(peerId)
    if (record == null) throw new ContactNotFoundError('only a contact can be marked verified; add it first')
    const next: ContactRecord = { ...record, verified, ...(verified ? { verifiedAt: now } : {}), updatedAt: now }
    await this.store.commit(b => { b.put(this.store.sublevels.contacts, peerId, next) }, { sync: true })
    this.changed()
    return view(next)
  }
}
