/**
 * The contact book (src/messenger/contacts.ts, docs/messaging.md "Contacts") on a real
 * LevelDB store: what `send` and every other command resolve their `to` with.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity, peerIdFromIdentityKey } from '../../src/crypto/identity.js'
import { ContactBook } from '../../src/messenger/contacts.js'
import { openStore, type Store } from '../../src/store/index.js'

const newPeerId = (): string => peerIdFromIdentityKey(generateIdentity().publicKey)

describe('contact book', () => {
  let dir: string
  let store: Store
  let book: ContactBook

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'murmur-contacts-'))
    store = await openStore({ path: join(dir, 'store') })
    book = new ContactBook(store)
  })

  afterEach(async () => {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('a peer ID always means that peer, even when a contact is named like it in other case', async () => {
    const mallory = newPeerId()
    const victim = newPeerId()
    // Not itself a peer ID (base58 is case-sensitive), so a valid name; but names compare
    // without case, and it equals the victim's ID up to case.
    const lookalike = victim.toLowerCase()
    await book.add(lookalike, mallory)
    expect(await book.resolve(victim)).toEqual({ peerId: victim })
    // The name still names its own contact.
    expect((await book.resolve(lookalike)).peerId).toBe(mallory)
  })

  it('a pasted peer ID with space or a line break around it is that peer; a malformed one is InvalidPeerIdError', async () => {
    const frank = newPeerId()
    expect(await book.resolve(` ${frank}\n`)).toEqual({ peerId: frank })
    expect((await book.add('frank', `${frank}\n`)).peerId).toBe(frank)
    expect((await book.resolve(`${frank} `)).contact?.name).toBe('frank')
    await expect(book.resolve(` ${frank.slice(0, -1)} `)).rejects.toMatchObject({ name: 'InvalidPeerIdError' })
  })

  it('resolves names without case or normalization, and follows renames and removals', async () => {
    const zoe = newPeerId()
    await book.add('Zoe\u0308', zoe)
    expect((await book.resolve('ZOË')).peerId).toBe(zoe)
    expect((await book.resolve(zoe)).contact?.name).toBe('Zoë')
    await book.rename('zoë', 'Zed')
    expect((await book.byPeerId(zoe))?.name).toBe('Zed')
    await expect(book.resolve('zoë')).rejects.toMatchObject({ name: 'ContactNotFoundError' })
    expect((await book.resolve('zed')).peerId).toBe(zoe)
    await book.remove(zoe)
    expect(await book.byPeerId(zoe)).toBeUndefined()
    expect(await book.resolve(zoe)).toEqual({ peerId: zoe })
    // A fresh book reads the same from the store.
    await book.add('carol', newPeerId())
    expect((await new ContactBook(store).list()).map(c => c.name)).toEqual(['carol'])
  })

  it('two adds of one name at once: one contact, the other refused (changes run one at a time)', async () => {
    const results = await Promise.allSettled([book.add('dave', newPeerId()), book.add('Dave', newPeerId())])
    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1)
    expect(results.find(r => r.status === 'rejected')).toMatchObject({ reason: { name: 'ContactExistsError' } })
    expect(await new ContactBook(store).list()).toHaveLength(1)
  })

  it('a list read while a contact is added does not hide the new contact afterwards', async () => {
    const reading = book.list()
    const erin = newPeerId()
    await book.add('erin', erin)
    await reading
    expect((await book.byPeerId(erin))?.name).toBe('erin')
  })
})
