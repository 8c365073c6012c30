/**
 * Backups and moving machines (DESIGN.md "At rest"; docs/store.md, "Backup files"):
 * createBackup seals a home's identity, contacts, settings, trust list, prekeys and (unless
 * left out) history into one file under a passphrase; restoreHome makes a new home from it.
 *
 * A restored node has the same peer ID and no sessions. Each conversation shows that it was
 * restored; each contact gets a session opener (a new session with our capability in it), so
 * contacts see a session reset at once and send again what we never acknowledged; our own
 * texts that had not reached their recipient go out again in the new sessions, marked as resends
 * so nobody sees one twice.
 */
import { MurmurError } from '../errors/murmur-error.js'
import { mkdir, rename, rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { identityFromSeed, peerIdFromIdentityKey, type Identity } from '../crypto/identity.js'
import type { CryptoProvider } from '../crypto/provider.js'
import { homeCipher } from '../store/at-rest/cipher.js'
import { generateDataKey } from '../store/at-rest/keys.js'
import { openBackup, sealBackup } from '../store/backup/file.js'
import { collectBackup, decodeBackupPayload, encodeBackupPayload, writeBackupContents, type BackupContents } from '../store/backup/payload.js'
import { openStore, type Store } from '../store/store.js'
import type { HistoryRecord, JsonValue, OutboxRecord } from '../store/records.js'
import { pathExists, syncFolder, writeFileAtomically } from './files.js'
import { readConfig, writeConfig } from './config.js'
import { DEFAULT_MESSAGE_TTL_MS } from './constants.js'
import { GAPS_PREFIX, restoredGaps, type GapState } from './gaps.js'
import { homePath } from './home.js'
import { IdentityExistsError, keyFileContents, type HomeProtection } from './identity-file.js'
import { OUT_NUMBER_PREFIX, RECEIPT_OUTBOX_PREFIX, RESENT_IN_NEW_SESSION } from './outgoing.js'
import { NEXT_PREKEY_ID, restoredPrekeys } from './prekeys.js'
import { RELAYS_KEY, restoredRelayRecords, type RelayRecord } from './relays/our-mailboxes.js'
import { readStarts, startsAfterRestore, TEXT_NUMBER_STARTS_KEY } from './text-numbers.js'

/** What a backup file holds, as `murmur backup create` reports it. */
export interface BackupSummary {
  peerId: string
  contacts: number
  messages: number
  withHistory: boolean
  bytes: number
}

/** The home to restore into has a store (or parts of one) but no identity: it is not empty. */
export class HomeNotEmptyError extends MurmurError {
  constructor (message: string) {
    super(message)
  }
}

export async function createBackup (store: Store, identity: Identity, provider: CryptoProvider, options: { passphrase: Uint8Array, withHistory: boolean, displayName?: string }): Promise<{ file: Uint8Array, summary: BackupSummary }> {
  const contents = await collectBackup(store, identity.seed, {
    withHistory: options.withHistory,
    ...(options.displayName !== undefined ? { displayName: options.displayName } : {})
  })
  const payload = encodeBackupPayload(contents)
  try {
    const file = await sealBackup(provider, payload, options.passphrase)
    return { file, summary: summarize(contents, identity.publicKey, file.length) }
  } finally {
    payload.fill(0)
  }
}

function summarize (c: BackupContents, publicKey: Uint8Array, bytes: number): BackupSummary {
  return {
    peerId: peerIdFromIdentityKey(publicKey),
    contacts: c.contacts.length,
    messages: c.history.filter(e => e.direction !== 'event').length,
    withHistory: c.withHistory,
    bytes
  }
}


/** Refuses a home that holds an identity or a store: a restore only ever fills an empty home. */
export async function checkRestoreTarget (home: string): Promise<void> {
  if (await pathExists(homePath(home, 'identityKey'))) throw new IdentityExistsError(homePath(home, 'identityKey'))
  if (await pathExists(homePath(home, 'store'))) {
    throw new HomeNotEmptyError(`${home} has a store but no identity; restore into an empty home (move the store away first)`)
  }
}

export interface RestoreOptions {
  /** The backup's passphrase (UTF-8 bytes; the caller wipes them). */
  passphrase: Uint8Array
  /** How the new home is protected: by default the backup's passphrase. */
  protection?: HomeProtection
  provider: CryptoProvider
  now?: number
  messageTtlMs?: number
}

/**
 * Restores a backup into an empty home. Everything is built beside the home's final names and
 * moved into place at the end, the key file last: until then a failure (a wrong passphrase, a
 * damaged file, a crash) leaves the home as it was, apart from staging files the next restore
 * removes.
 */
export async function restoreHome (home: string, file: Uint8Array, options: RestoreOptions): Promise<BackupSummary & { encrypted: boolean }> {
  const { provider } = options
  const now = options.now ?? Date.now()
  await checkRestoreTarget(home)
  const contents = decodeBackupPayload(await openBackup(provider, file, options.passphrase))
  const identity = identityFromSeed(contents.identitySeed)
  const protection: HomeProtection = options.protection ?? { passphrase: options.passphrase }
  const dataKey = 'passphrase' in protection ? generateDataKey(provider) : undefined

  await mkdir(home, { recursive: true, mode: 0o700 })
  const staging = homePath(home, 'storeRestoring')
  const stagingKey = homePath(home, 'keyFileRestoring')
  await rm(staging, { recursive: true, force: true })
  try {
    const store = await openStore({ path: staging }, { cipher: homeCipher(provider, dataKey), pidFile: false })
    try {
      await writeBackupContents(store, contents, restoreExtras(contents, now, options.messageTtlMs ?? DEFAULT_MESSAGE_TTL_MS))
    } finally {
      await store.close()
    }
    await writeFileAtomically(stagingKey, await keyFileContents(identity, protection, dataKey))
    await checkRestoreTarget(home)
    await rename(staging, homePath(home, 'store'))
    await rename(stagingKey, homePath(home, 'identityKey'))
    await syncFolder(home)
  } catch (err) {
    await rm(staging, { recursive: true, force: true })
    await rm(stagingKey, { force: true })
    throw err
  } finally {
    dataKey?.fill(0)
  }
  if (contents.displayName !== undefined) {
    const config = await readConfig(home)
    if (config.name === undefined) await writeConfig(home, { ...config, name: contents.displayName })
  }
  return { ...summarize(contents, identity.publicKey, file.length), encrypted: dataKey !== undefined }
}

/**
 * What a restored home adds to its backup: per conversation, an event saying so; per contact,
 * a session opener; our texts that had not reached their recipient, queued to go again (as
 * resends, in new sessions). Their history entries are updated in `contents` itself.
 */
function restoreExtras (contents: BackupContents, now: number, ttlMs: number): { outbox: OutboxRecord[], events: HistoryRecord[] } {
  const lastSeq = new Map<string, number>()
  for (const c of contents.conversations) lastSeq.set(c.peerId, c.lastSeq)
  for (const e of contents.history) lastSeq.set(e.peerId, Math.max(lastSeq.get(e.peerId) ?? 0, e.seq))
  const next = (peerId: string): number => {
    const seq = (lastSeq.get(peerId) ?? 0) + 1
    lastSeq.set(peerId, seq)
    return seq
  }
  const outbox: OutboxRecord[] = []
  const entry = (peerId: string, seq: number, messageId: string): OutboxRecord =>
    ({ messageId, peerId, seq, envelope: new Uint8Array(0), attempts: 0, nextAttemptAt: now, expiresAt: now + ttlMs })
  startNewNumbering(contents, now)
  markGapsRestored(contents)
  freshPrekeys(contents, now)
  contents.history = contents.history.map(e => {
    if (e.direction !== 'out' || (e.state !== 'queued' && e.state !== 'stored')) return e
    outbox.push(entry(e.peerId, e.seq, e.id))
    return { ...e, reason: RESENT_IN_NEW_SESSION, updatedAt: now }
  })
  const events: HistoryRecord[] = []
  for (const peerId of lastSeq.keys()) {
    const seq = next(peerId)
    events.push({
      peerId, seq, id: `e${seq}`, direction: 'event', sentAt: now, receivedAt: now, state: 'received',
      text: 'Restored from a backup: sessions start anew (your contact sees a session reset); messages not acknowledged before go again.'
    })
  }
  for (const contact of contents.contacts) {
    outbox.push(entry(contact.peerId, next(contact.peerId), RECEIPT_OUTBOX_PREFIX + randomBytes(8).toString('hex')))
  }
  return { outbox, events }
}

/**
 * No one-time prekey of the backup handed out again, no prekey id reused, every relay's bundles
 * replaced: what the old store did with its prekeys after the backup is unknown
 * (prekeys.ts, restoredPrekeys; relays/our-mailboxes.ts, restoredRelayRecords).
 */
function freshPrekeys (contents: BackupContents, now: number): void {
  const stored = settingOf(contents, NEXT_PREKEY_ID)
  const { oneTimePrekeys, oneTimeKemPrekeys, nextId } = restoredPrekeys(contents, typeof stored === 'number' ? stored : undefined, now)
  contents.oneTimePrekeys = oneTimePrekeys
  contents.oneTimeKemPrekeys = oneTimeKemPrekeys
  putSetting(contents, NEXT_PREKEY_ID, nextId)
  const relays = settingOf(contents, RELAYS_KEY)
  if (Array.isArray(relays)) putSetting(contents, RELAYS_KEY, restoredRelayRecords(relays as unknown as RelayRecord[]) as unknown as JsonValue)
}

/** The value of setting `key` in a backup's contents. */
function settingOf (contents: BackupContents, key: string): JsonValue | undefined {
  return contents.settings.find(e => e.key === key)?.value
}

/** Sets `key` to `value` in a backup's contents, in place of what it held. */
function putSetting (contents: BackupContents, key: string, value: JsonValue): void {
  contents.settings = [...contents.settings.filter(e => e.key !== key), { key, value }]
}

/** Each contact's next hole is the texts that came after the backup (gaps.ts, restoredGaps). */
function markGapsRestored (contents: BackupContents): void {
  contents.settings = contents.settings.map(e => {
    if (!e.key.startsWith(GAPS_PREFIX) || e.value == null || typeof e.value !== 'object' || Array.isArray(e.value)) return e
    return { key: e.key, value: restoredGaps(e.value as unknown as GapState) as unknown as JsonValue }
  })
}

/**
 * Our texts are numbered afresh from the restore (text-numbers.ts): the old store may have used
 * the numbers after the backup's, and a contact missing one of those would take a new text for it.
 */
function startNewNumbering (contents: BackupContents, now: number): void {
  let highest = 0
  for (const { key, value } of contents.settings) {
    if (key.startsWith(OUT_NUMBER_PREFIX) && typeof value === 'number') highest = Math.max(highest, value)
  }
  for (const e of contents.history) if (e.outNumber !== undefined) highest = Math.max(highest, e.outNumber)
  putSetting(contents, TEXT_NUMBER_STARTS_KEY, startsAfterRestore(readStarts(settingOf(contents, TEXT_NUMBER_STARTS_KEY)), highest, now))
}
