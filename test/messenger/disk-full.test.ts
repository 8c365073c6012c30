// A home whose disk fills up (a real tmpfs of a few MiB, mounted here; root only): a send
// refused because nothing can be written says so (HomeDiskFullError), and leaves no trace once
// space is back, neither in our numbering of texts nor at the contact.
import { spawnSync } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RECIPIENT_DISK_FULL } from '../../src/messenger/incoming.js'
import { DISK_FULL_WARNING } from '../../src/messenger/murmur.js'
import { peerCapabilityKey } from '../../src/messenger/outgoing.js'
import type { Store } from '../../src/store/index.js'
import { makeHome, removeDir, startNode, type TestNode } from './helpers.js'

const isRoot = process.getuid?.() === 0

/** Fills the file system of `folder` to the last byte, with one file. */
async function fill (file: string): Promise<void> {
  await writeFile(file, Buffer.alloc(64 * 1024 * 1024)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOSPC') throw err
  })
}

describe.runIf(isRoot)('a home on a full disk (real tmpfs)', () => {
  const dirs: string[] = []
  let disk: string
  let alice: TestNode
  let bob: TestNode

  beforeAll(async () => {
    const [a, b] = await Promise.all([makeHome(), makeHome()])
    dirs.push(a.dir, b.dir)
    disk = join(a.dir, 'disk')
    await mkdir(disk)
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk], { encoding: 'utf8' })
    if (mounted.status !== 0) throw new Error(`mount: ${mounted.stderr}`)
    alice = await startNode(join(disk, 'home'))
    bob = await startNode(b.home, { bootstrap: alice.addresses })
    await alice.murmur.contacts.add('bob', bob.murmur.peerId)
  })

  afterAll(async () => {
    await Promise.allSettled([alice?.murmur.stop(), bob?.murmur.stop()])
    if (disk !== undefined) spawnSync('umount', [disk])
    await Promise.all(dirs.map(removeDir))
  })

  it('sends refused while the disk is full leave no hole in our numbering: the contact is told of no missing message', async () => {
    const first = await alice.murmur.send('bob', 'before the disk filled')
    expect((await alice.murmur.waitForState('bob', first.id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')

    const filler = join(disk, 'filler')
    await fill(filler)
    // The store's log may still have room in its last page for a text or two: send until the
    // disk refuses, then twice more refused.
    const stored: string[] = []
    const refusals: unknown[] = []
    for (let i = 0; i < 100 && refusals.length < 3; i++) {
      try {
        stored.push((await alice.murmur.send('bob', `while full ${i}`)).id)
      } catch (err) {
        refusals.push(err)
      }
    }
    // Each refusal says what is wrong, in a typed error (exit 2 from the CLI, -32020 from the API).
    expect(refusals).toHaveLength(3)
    for (const err of refusals) expect(err).toMatchObject({ name: 'HomeDiskFullError', message: expect.stringMatching(/^the disk of this home is full: nothing of this change was stored/) })
    await rm(filler)

    const after = await alice.murmur.send('bob', 'after space came back')
    for (const id of [...stored, after.id]) expect((await alice.murmur.waitForState('bob', id, ['delivered'], { timeoutMs: 20_000 })).state).toBe('delivered')
    const atBob = await bob.murmur.history(alice.murmur.peerId)
    const texts = ['before the disk filled', ...stored.map((_, i) => `while full ${i}`), 'after space came back']
    // No "3 earlier messages from this contact have not arrived yet": none was ever sent.
    expect(atBob.filter(m => m.direction === 'event').map(m => m.text)).toEqual([])
    expect(atBob.map(m => m.text)).toEqual(texts)
    expect((await alice.murmur.history('bob')).map(m => m.text)).toEqual(texts)
  })

  it('messages that arrive while the disk is full: the node warns and its status says since when; none is lost once space is back, and the warning goes', async () => {
    const warned = new Promise<number>((resolve) => {
      const stop = alice.murmur.events.on('warning', (e) => { if (e.message === DISK_FULL_WARNING) { stop(); resolve(Date.now()) } })
    })
    const filler = join(disk, 'filler')
    await fill(filler)
    // Nothing is sent by alice: only her own writes of what bob sends can find the disk full.
    const sent: string[] = []
    let full: number | undefined
    for (let i = 0; i < 50 && full === undefined; i++) {
      const text = `to a full disk ${i}`
      const { id } = await bob.murmur.send(alice.murmur.peerId, text)
      sent.push(text)
      // Delivered: the store's log still had room for it; else the write failed and alice warns.
      full = await Promise.race([warned, bob.murmur.waitForState(alice.murmur.peerId, id, ['delivered'], { timeoutMs: 20_000 }).then(() => undefined)])
    }
    expect(full, 'a received message that could not be stored made the node warn').toBeTypeOf('number')
    const status = await alice.murmur.status()
    expect(status.warnings).toContain(DISK_FULL_WARNING)
    expect(status.diskFullSince).toBeTypeOf('number')
    expect(status.diskFullSince).toBeLessThanOrEqual(full as number)

    await rm(filler)
    const last = await bob.murmur.send(alice.murmur.peerId, 'after space came back, again')
    sent.push('after space came back, again')
    expect((await bob.murmur.waitForState(alice.murmur.peerId, last.id, ['delivered'], { timeoutMs: 30_000 })).state).toBe('delivered')
    const atAlice = (await alice.murmur.history('bob')).map(m => m.text)
    // Every text once, none lost while the disk was full.
    expect(atAlice.slice(-sent.length).sort()).toEqual([...sent].sort())
    const after = await alice.murmur.status()
    expect(after.warnings).not.toContain(DISK_FULL_WARNING)
    expect(after.diskFullSince).toBeUndefined()
  })

  it('a first message from a new contact that finds the disk full: once space is back, alice still gives them her capability (the failed write did not count it sent)', async () => {
    const c = await makeHome()
    dirs.push(c.dir)
    const carol = await startNode(c.home, { bootstrap: alice.addresses })
    try {
      const filler = join(disk, 'filler')
      await fill(filler)
      // Until alice's own writes are refused: the store's log has no room left for carol's.
      let refused = false
      for (let i = 0; i < 100 && !refused; i++) await alice.murmur.send('bob', `filling ${i}`).catch(() => { refused = true })
      expect(refused).toBe(true)
      const first = await carol.murmur.send(alice.murmur.peerId, 'hello from carol')
      // Alice's receiving write failed: carol's attempt says why the message waits.
      await expect.poll(async () => (await carol.murmur.status()).queued.find(q => q.id === first.id)?.reason, { timeout: 20_000 }).toContain(RECIPIENT_DISK_FULL)
      await rm(filler)
      expect((await carol.murmur.waitForState(alice.murmur.peerId, first.id, ['delivered'], { timeoutMs: 30_000 })).state).toBe('delivered')
      // The capability (docs/relay.md) rides with alice's answers: her delivered receipt.
      const carolStore = (carol.murmur as unknown as { store: Store }).store
      await expect.poll(async () => await carolStore.sublevels.settings.get(peerCapabilityKey(alice.murmur.peerId)), { timeout: 10_000 }).toBeTypeOf('string')
    } finally {
      await carol.murmur.stop()
    }
  })
})
