/**
 * Backups and moving machines, end to end with real `murmur` processes (DESIGN.md "At rest"):
 * alice backs up her encrypted home and loses it; bob writes to her meanwhile (the messages
 * wait at carol, her relay); alice restores the backup into a fresh home and starts: same peer
 * ID, contacts, verification marks, relays, trust list and history; bob's messages arrive once;
 * both sides show the session reset; the conversation goes on. Every bad input to a restore is
 * refused with its exit code and changes nothing.
 */
import { spawnSync } from 'node:child_process'
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExitCode } from '../../src/errors/exit-codes.js'
import { homeSnapshot } from '../store/v1-fixture.js'
import { cliJson, freePort, runCli, tempHome, untilCli } from './cli-helpers.js'
import { initNode, killAll, startNode, type RunningNode } from './daemon-helpers.js'

interface Message { id: string, text: string, direction: string, state: string }

/** A command's own budget (`send --wait --timeout 30` included). */
const COMMAND_MS = 60_000
/** A condition's budget: a step that never comes fails naming itself, well inside the test's own timeout. */
const STEP_MS = 30_000
/** The restore scenario: three conditions and two waited sends, each within its budget. */
const RESTORE_TEST_MS = 180_000
const HOME_PASSPHRASE = 'alice home passphrase'
const BACKUP_PASSPHRASE = 'alice backup passphrase'

async function cli<T> (home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  return await cliJson<T>(home, args, { env, timeoutMs: COMMAND_MS })
}

async function until<T> (home: string, args: string[], done: (value: T) => boolean, what: string): Promise<T> {
  return await untilCli<T>(home, args, done, what, STEP_MS)
}

const isRoot = process.getuid?.() === 0

function mount (args: string[]): void {
  const r = spawnSync('mount', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`)
}

function umount (folder: string): void {
  spawnSync('umount', [folder])
}

const count = (history: Message[], text: string): number => history.filter(m => m.text === text).length

describe('backup and restore (real processes)', () => {
  const cleanups: Array<() => Promise<void>> = []
  const nodes: RunningNode[] = []
  let carol: RunningNode
  let bob: RunningNode
  let alice: RunningNode
  let carolAddr: string
  let backupFile: string
  let alicePeerId: string
  const aliceEnv = { MURMUR_PASSPHRASE: HOME_PASSPHRASE }

  beforeAll(async () => {
    const a = await tempHome()
    const [c, b, init] = await Promise.all([initNode('carol'), initNode('bob'), runCli(['init', '--home', a.home, '--name', 'alice', '--json'], { env: aliceEnv })])
    cleanups.push(c.cleanup, b.cleanup, a.cleanup)
    expect(init.code, init.stderr).toBe(0)
    const port = await freePort()
    carol = await startNode(c.home, ['--listen', `/ip4/127.0.0.1/tcp/${port}`])
    nodes.push(carol)
    carolAddr = `/ip4/127.0.0.1/tcp/${port}/p2p/${carol.peerId}`
    ;[alice, bob] = await Promise.all([startNode(a.home, ['--bootstrap', carolAddr], { env: aliceEnv }), startNode(b.home, ['--bootstrap', carolAddr])])
    nodes.push(alice, bob)
    alicePeerId = alice.peerId
    const dir = await tempHome('murmur-backup-file-')
    cleanups.push(dir.cleanup)
    backupFile = `${dir.home}.murmur-backup`

    await cli(carol.home, ['trust', 'add', alice.peerId])
    expect(await cli(alice.home, ['relays', 'add', carol.peerId, '--addr', carolAddr])).toMatchObject({ registered: true })
    await cli(alice.home, ['trust', 'add', bob.peerId])
    await cli(alice.home, ['contacts', 'add', 'Bob Backup', bob.peerId])
    await cli(bob.home, ['contacts', 'add', 'Alice Backup', alice.peerId])
    await cli(alice.home, ['contacts', 'verify', 'Bob Backup', '--confirm'])
    expect(await cli(alice.home, ['send', 'Bob Backup', 'before the backup, from alice', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
    expect(await cli(bob.home, ['send', 'Alice Backup', 'before the backup, from bob', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
  })

  afterAll(async () => {
    await Promise.all(nodes.filter(n => n.process.exitCode === null).map(async n => await n.stop()))
    killAll()
    await Promise.all(cleanups.map(async c => { await c() }))
  })

  it('backup create writes one encrypted 0600 file, atomically; --no-history leaves the history out', async () => {
    const created = await cli<{ file: string, contacts: number, messages: number, withHistory: boolean, peerId: string }>(alice.home, ['backup', 'create', backupFile], { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE })
    expect(created).toMatchObject({ file: backupFile, contacts: 1, messages: 2, withHistory: true, peerId: alicePeerId })
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600)
    const bytes = await readFile(backupFile)
    expect(bytes.subarray(0, 8).toString()).toBe('MURMURBK')
    for (const secret of ['before the backup', 'Bob Backup', bob.peerId]) expect(bytes.includes(Buffer.from(secret))).toBe(false)
    const bare = await cli<{ withHistory: boolean, messages: number }>(alice.home, ['backup', 'create', `${backupFile}.bare`, '--no-history'], { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE })
    expect(bare).toMatchObject({ withHistory: false, messages: 0 })
    expect((await stat(`${backupFile}.bare`)).size).toBeLessThan(bytes.length)
  })

  it('a backup file that cannot be written or read: exit 2 naming the file, nothing left behind', async () => {
    const dir = await tempHome('murmur-backup-places-')
    cleanups.push(dir.cleanup)
    await mkdir(dir.home)
    const create = async (file: string): Promise<{ code: number | null, error: { name: string, message: string } }> => {
      const r = await runCli(['backup', 'create', file, '--home', alice.home, '--json'], { env: { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE } })
      return { code: r.code, error: JSON.parse(r.stderr).error }
    }
    const missing = join(dir.home, 'no such folder', 'murmur.backup')
    expect(await create(missing)).toMatchObject({ code: ExitCode.USAGE, error: { name: 'BackupFileError', message: `cannot write the backup ${missing}: the folder ${join(dir.home, 'no such folder')} does not exist; nothing was written` } })
    expect(await create(dir.home)).toMatchObject({ code: ExitCode.USAGE, error: { name: 'BackupFileError', message: `cannot write the backup ${dir.home}: it is a folder; name a file; nothing was written` } })
    expect(await readdir(dir.home)).toEqual([])
    const absent = join(dir.home, 'absent.backup')
    const restore = await runCli(['backup', 'restore', absent, '--home', join(dir.home, 'new home'), '--json'], { env: { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE } })
    expect(restore.code).toBe(ExitCode.USAGE)
    expect(JSON.parse(restore.stderr).error).toMatchObject({ name: 'BackupFileError', message: `cannot read the backup ${absent}: no such file; nothing was changed` })
    expect(await readdir(dir.home)).toEqual([])
  })

  it.runIf(isRoot)('a restore into a home on a full disk: exit 2, HomeDiskFullError, nothing left in the home', async () => {
    const dir = await tempHome('murmur-backup-restore-disk-')
    cleanups.push(dir.cleanup)
    // Room for the folders, not for the restored store's log.
    const disk = join(dir.home, 'disk')
    await mkdir(disk, { recursive: true })
    mount(['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', disk])
    try {
      const home = join(disk, 'home')
      const r = await runCli(['backup', 'restore', backupFile, '--home', home, '--json'], { env: { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE } })
      expect(r.code, r.stderr).toBe(ExitCode.USAGE)
      expect(JSON.parse(r.stderr).error).toMatchObject({ name: 'HomeDiskFullError' })
      expect(await readdir(home)).toEqual([])
    } finally {
      umount(disk)
    }
  })

  it.runIf(isRoot)('a backup onto a full disk or a read-only file system: exit 2 naming the file (not the home), no partial file left', async () => {
    const dir = await tempHome('murmur-backup-disks-')
    cleanups.push(dir.cleanup)
    const full = join(dir.home, 'full')
    const readOnly = join(dir.home, 'read-only')
    await mkdir(full, { recursive: true })
    await mkdir(readOnly)
    // Real file systems, smaller than the backup (~380 KB of prekeys) and read-only.
    mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full])
    try {
      mount(['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', readOnly])
      for (const [folder, why] of [[full, 'the disk is full'], [readOnly, 'the file system is read-only']]) {
        const file = join(folder, 'murmur.backup')
        const r = await runCli(['backup', 'create', file, '--home', alice.home, '--json'], { env: { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE } })
        expect(r.code, why).toBe(ExitCode.USAGE)
        expect(JSON.parse(r.stderr).error, why).toMatchObject({ name: 'BackupFileError', message: `cannot write the backup ${file}: ${why}; nothing was written` })
        expect(await readdir(folder), why).toEqual([])
      }
    } finally {
      umount(full)
      umount(readOnly)
    }
  })

  it('refuses every bad restore with its exit code, changing nothing', async () => {
    const target = await tempHome()
    cleanups.push(target.cleanup)
    const restore = async (file: string, env: NodeJS.ProcessEnv, home = target.home): Promise<{ code: number | null, error: { name: string } }> => {
      const r = await runCli(['backup', 'restore', file, '--home', home, '--json'], { env })
      return { code: r.code, error: r.code === 0 ? { name: '' } : JSON.parse(r.stderr).error }
    }
    const good = await readFile(backupFile)
    const variant = async (name: string, bytes: Uint8Array): Promise<string> => {
      const path = `${backupFile}.${name}`
      await writeFile(path, bytes)
      return path
    }
    const wrong = await restore(backupFile, { MURMUR_PASSPHRASE: 'not the backup passphrase' })
    expect(wrong).toMatchObject({ code: ExitCode.PASSPHRASE, error: { name: 'WrongPassphraseError' } })
    const truncated = await restore(await variant('truncated', good.subarray(0, good.length - 100)), { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE })
    expect(truncated).toMatchObject({ code: ExitCode.BAD_FILE, error: { name: 'BackupCorruptError' } })
    const tampered = Buffer.from(good)
    tampered[tampered.length - 40] ^= 0x01
    expect(await restore(await variant('tampered', tampered), { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE })).toMatchObject({ code: ExitCode.BAD_FILE, error: { name: 'BackupCorruptError' } })
    const newer = Buffer.from(good)
    newer[8] = 2
    expect(await restore(await variant('newer', newer), {})).toMatchObject({ code: ExitCode.BAD_FILE, error: { name: 'UnsupportedBackupVersionError' } })
    expect(await restore(await variant('garbage', Buffer.from('not a backup at all')), {})).toMatchObject({ code: ExitCode.BAD_FILE, error: { name: 'BackupCorruptError' } })
    await expect(stat(target.home)).rejects.toThrow()
    // Into a home that has an identity: refused before anything is asked.
    const occupied = await initNode('occupied')
    cleanups.push(occupied.cleanup)
    const before = await homeSnapshot(occupied.home)
    expect(await restore(backupFile, {}, occupied.home)).toMatchObject({ code: ExitCode.CONFLICT, error: { name: 'IdentityExistsError' } })
    expect(await homeSnapshot(occupied.home)).toEqual(before)
  })

  it('restored on a fresh home: same peer ID, contacts, relays, trust and history; bob\'s messages from meanwhile arrive once; both see the reset', async () => {
    // alice's machine is gone.
    expect(await alice.stop()).toBe(0)
    await rm(alice.home, { recursive: true, force: true })
    // bob writes meanwhile: the messages wait at carol.
    for (const text of ['while you were away 1', 'while you were away 2']) await cli(bob.home, ['send', 'Alice Backup', text])
    await until<Message[]>(bob.home, ['history', 'Alice Backup'], h => h.filter(m => m.text.startsWith('while you were away') && m.state === 'stored').length === 2, 'bob\'s messages stored at carol')

    const fresh = await tempHome()
    cleanups.push(fresh.cleanup)
    const restored = await cli<{ peerId: string, contacts: number, messages: number, encrypted: boolean }>(fresh.home, ['backup', 'restore', backupFile], { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE })
    expect(restored).toMatchObject({ peerId: alicePeerId, contacts: 1, messages: 2, encrypted: true })
    // The restored home opens with the backup's passphrase.
    const again = await startNode(fresh.home, ['--bootstrap', carolAddr], { env: { MURMUR_PASSPHRASE: BACKUP_PASSPHRASE } })
    nodes.push(again)
    expect(again.peerId).toBe(alicePeerId)
    expect(await cli(fresh.home, ['contacts', 'list'])).toMatchObject([{ name: 'Bob Backup', peerId: bob.peerId, verified: true }])
    expect((await cli<Array<{ peerId: string }>>(fresh.home, ['relays', 'list'])).map(r => r.peerId)).toEqual([carol.peerId])
    expect((await cli<Array<{ peerId: string }>>(fresh.home, ['trust', 'list'])).map(t => t.peerId)).toEqual([bob.peerId])

    const aliceHistory = await until<Message[]>(fresh.home, ['history', 'Bob Backup', '--limit', '100'],
      h => count(h, 'while you were away 1') >= 1 && count(h, 'while you were away 2') >= 1, 'bob\'s messages at the restored alice')
    for (const text of ['before the backup, from alice', 'before the backup, from bob', 'while you were away 1', 'while you were away 2']) {
      expect(count(aliceHistory, text), text).toBe(1)
    }
    // States came along: alice's text was delivered before the backup (a state record beside its
    // entry, laid over it in the file: docs/store.md, "History states").
    expect(aliceHistory.find(m => m.text === 'before the backup, from alice')?.state).toBe('delivered')
    expect(aliceHistory.some(m => m.direction === 'event' && /Restored from a backup/.test(m.text))).toBe(true)
    const bobHistory = await until<Message[]>(bob.home, ['history', 'Alice Backup', '--limit', '100'],
      h => h.filter(m => m.text.startsWith('while you were away')).every(m => m.state === 'delivered'), 'bob\'s messages delivered')
    expect(bobHistory.some(m => m.direction === 'event' && /Session reset/.test(m.text))).toBe(true)

    // The conversation goes on, both ways, and nothing shows twice.
    expect(await cli(fresh.home, ['send', 'Bob Backup', 'back on a new machine', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
    expect(await cli(bob.home, ['send', 'Alice Backup', 'welcome back', '--wait', '--timeout', '30'])).toMatchObject({ state: 'delivered' })
    const finalAlice = await cli<Message[]>(fresh.home, ['history', 'Bob Backup', '--limit', '100'])
    const finalBob = await cli<Message[]>(bob.home, ['history', 'Alice Backup', '--limit', '100'])
    for (const text of ['while you were away 1', 'while you were away 2', 'welcome back']) expect(count(finalAlice, text), text).toBe(1)
    for (const text of ['back on a new machine', 'before the backup, from alice']) expect(count(finalBob, text), text).toBe(1)
    // Its key file is the new home's: no copy of anything from the old one is needed.
    expect(JSON.parse(await readFile(join(fresh.home, 'identity.key'), 'utf8')).encryption).toBe('passphrase')
  }, RESTORE_TEST_MS)
})
