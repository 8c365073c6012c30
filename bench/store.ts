/**
 * `npm run bench -- store`: what encryption at rest costs inside the store, and what a start
 * costs (docs/store.md, "Cost"). Each pair of workloads runs interleaved (harness.ts) and is
 * reported as a paired ratio beside its two medians.
 *
 * 1. Start: opening an encrypted home (scrypt N=2^17, r=8, p=1, then the store) against an
 *    unencrypted one (the store alone); and scrypt alone.
 * 2. A send's state transition (session record, outbox entry with its envelope, history entry,
 *    message number), written unsynced to classic-level, encrypted against unencrypted.
 * 3. Reading a page of 50 history entries, encrypted against unencrypted.
 * 4. The value encoding of an outbox record with a 1 KiB envelope: protobuf (schema 2) against
 *    JSON with base64 bytes (schema 1): encode + decode, and bytes.
 *
 * Options: --runs N (5), --quick (3 runs, shorter). Writes bench/results/store.json.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultProvider } from '../src/crypto/providers/index.js'
import { openHome } from '../src/messenger/unlock.js'
import { DEFAULT_SCRYPT, deriveKek, newScryptParams } from '../src/store/at-rest/kdf.js'
import { deriveHomeKeys } from '../src/store/at-rest/keys.js'
import { V1_VALUE_CODECS } from '../src/store/migrate/v1.js'
import { outboxCodec } from '../src/store/record-codecs.js'
import { openStore, plainCipher, sealedCipher, type OutboxRecord, type Store, type StoreCipher } from '../src/store/index.js'
import { BenchmarkOptionError, formatNumber, formatTable, measure, measureInterleaved, pairedRatio, positiveInteger, resultMeta, writeResult, type Measurement } from './harness.js'

const PEER = '12D3KooWLpiDJwadnHzbh6o3jfrWTxG8CWqqvNgxBkWaYhuhrWsL'
const PASSPHRASE = new TextEncoder().encode('store benchmark passphrase')

interface Options { runs: number, targetMs: number }

function parseArgs (args: string[]): Options {
  const o: Options = { runs: 5, targetMs: 500 }
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') o.runs = positiveInteger('--runs', args[++i] ?? '')
    else if (args[i] === '--quick') Object.assign(o, { runs: 3, targetMs: 200 })
    else throw new BenchmarkOptionError(`unknown option ${args[i]}`)
  }
  return o
}

function sealed (): StoreCipher {
  const provider = defaultProvider()
  return sealedCipher(provider, deriveHomeKeys(provider, new Uint8Array(32).fill(7)))
}

function outboxRecord (seq: number): OutboxRecord {
  return { messageId: 'ab'.repeat(16), peerId: PEER, seq, envelope: new Uint8Array(1024).fill(seq & 0xff), attempts: 0, nextAttemptAt: 1_700_000_000_000 + seq, expiresAt: 1_702_592_000_000 + seq }
}

/** One send's transition, as Outgoing.sendText writes it. */
function sendTransition (store: Store, seq: number): Promise<void> {
  const batch = store.batch()
  batch.put(store.sublevels.settings, `outNumber:${PEER}`, seq)
  batch.put(store.sublevels.sessions, PEER, new Uint8Array(1200).fill(seq & 0xff))
  batch.appendHistory({ peerId: PEER, seq, id: seq.toString(16).padStart(32, '0'), direction: 'out', text: 'x'.repeat(100), sentAt: 1_700_000_000_000 + seq, state: 'queued', outNumber: seq }, { unread: false })
  batch.putOutbox({ ...outboxRecord(seq), envelope: new Uint8Array(400).fill(1) })
  return store.write(batch, { sync: false })
}

export async function run (args: string[]): Promise<void> {
  const o = parseArgs(args)
  const folder = await mkdtemp(join(tmpdir(), 'murmur-bench-store-'))
  const provider = defaultProvider()
  const m = { runs: o.runs, targetMs: o.targetMs }
  try {
    // 1. Start.
    process.stderr.write('store: start (scrypt)\n')
    const kdf = await measure(async () => async () => { (await deriveKek(PASSPHRASE, newScryptParams((n) => provider.randomBytes(n)))).fill(0) }, { ...m, targetMs: 1, maxBatch: 1 })
    let homes = 0
    const makeHome = async (encrypted: boolean): Promise<string> => {
      const home = join(folder, `home${homes++}`)
      const opened = await openHome({ home, provider, createIdentity: true, ...(encrypted ? { passphrase: PASSPHRASE } : { noPassphrase: true }) })
      await opened.store.close()
      return home
    }
    const [encryptedHome, plainHome] = [await makeHome(true), await makeHome(false)]
    const opens = await measureInterleaved({
      encrypted: async () => async () => { await (await openHome({ home: encryptedHome, provider, passphrase: PASSPHRASE })).store.close() },
      plain: async () => async () => { await (await openHome({ home: plainHome, provider })).store.close() }
    }, { ...m, targetMs: 1, maxBatch: 1 })

    // 2 and 3. Writes and reads.
    process.stderr.write('store: writes and reads\n')
    const stores = { encrypted: await openStore({ path: join(folder, 'w-enc') }, { cipher: sealed() }), plain: await openStore({ path: join(folder, 'w-plain') }, { cipher: plainCipher }) }
    let writes: Record<'encrypted' | 'plain', Measurement>
    let reads: Record<'encrypted' | 'plain', Measurement>
    try {
      const writer = (store: Store) => async (n: number) => {
        const seqs: number[] = []
        for (let i = 0; i < n; i++) seqs.push(await store.allocateSeq(PEER))
        return async () => { for (const seq of seqs) await sendTransition(store, seq) }
      }
      writes = await measureInterleaved({ encrypted: writer(stores.encrypted), plain: writer(stores.plain) }, { ...m, maxBatch: 20_000 })
      const reader = (store: Store) => async (n: number) => async () => {
        for (let i = 0; i < n; i++) await store.history(PEER, { limit: 50 })
      }
      reads = await measureInterleaved({ encrypted: reader(stores.encrypted), plain: reader(stores.plain) }, m)
    } finally {
      await stores.encrypted.close()
      await stores.plain.close()
    }

    // 4. Value encoding.
    process.stderr.write('store: value encoding\n')
    const record = outboxRecord(1)
    const v1 = V1_VALUE_CODECS.outbox
    const codecs = await measureInterleaved({
      protobuf: async (n: number) => () => { for (let i = 0; i < n; i++) outboxCodec.decode(outboxCodec.encode(record), 'outbox') },
      json: async (n: number) => () => { for (let i = 0; i < n; i++) v1.decode(v1.encode(record), 'outbox') }
    }, m)

    const msPer = (x: Measurement): number => Math.round(1000 / x.opsPerSec)
    const result = {
      kdf_ms: msPer(kdf),
      kdf_params: { ...DEFAULT_SCRYPT },
      open_encrypted_home_ms: msPer(opens.encrypted),
      open_plain_home_ms: msPer(opens.plain),
      start_cost_ms: msPer(opens.encrypted) - msPer(opens.plain),
      send_transitions_per_s: { encrypted: Math.round(writes.encrypted.opsPerSec), plain: Math.round(writes.plain.opsPerSec) },
      encryption_write_ratio: Math.round(pairedRatio(writes.encrypted, writes.plain) * 100) / 100,
      history_pages_per_s: { encrypted: Math.round(reads.encrypted.opsPerSec), plain: Math.round(reads.plain.opsPerSec) },
      encryption_read_ratio: Math.round(pairedRatio(reads.encrypted, reads.plain) * 100) / 100,
      outbox_codec_per_s: { protobuf: Math.round(codecs.protobuf.opsPerSec), json: Math.round(codecs.json.opsPerSec) },
      protobuf_vs_json_ratio: Math.round(pairedRatio(codecs.protobuf, codecs.json) * 100) / 100,
      outbox_record_bytes: { protobuf: outboxCodec.encode(record).length, json: v1.encode(record).length },
      meta: { ...resultMeta(o.runs), spreads: { kdf: kdf.spread, writes: [writes.encrypted.spread, writes.plain.spread], reads: [reads.encrypted.spread, reads.plain.spread] } }
    }
    process.stdout.write(formatTable(['figure', 'encrypted', 'unencrypted', 'ratio'], [
      ['open a home (ms)', formatNumber(result.open_encrypted_home_ms), formatNumber(result.open_plain_home_ms), formatNumber(result.open_encrypted_home_ms / Math.max(1, result.open_plain_home_ms))],
      ['  of which scrypt N=2^17 r=8 p=1 (ms)', formatNumber(result.kdf_ms), '', ''],
      ['send transitions, unsynced (/s)', formatNumber(result.send_transitions_per_s.encrypted), formatNumber(result.send_transitions_per_s.plain), String(result.encryption_write_ratio)],
      ['history pages of 50 (/s)', formatNumber(result.history_pages_per_s.encrypted), formatNumber(result.history_pages_per_s.plain), String(result.encryption_read_ratio)]
    ]) + '\n')
    process.stdout.write(formatTable(['outbox record, 1 KiB envelope', 'protobuf', 'JSON+base64', 'ratio'], [
      ['encode + decode (/s)', formatNumber(result.outbox_codec_per_s.protobuf), formatNumber(result.outbox_codec_per_s.json), String(result.protobuf_vs_json_ratio)],
      ['bytes', formatNumber(result.outbox_record_bytes.protobuf), formatNumber(result.outbox_record_bytes.json), formatNumber(result.outbox_record_bytes.protobuf / result.outbox_record_bytes.json)]
    ]) + '\n')
    process.stdout.write(`wrote ${writeResult('store', result)}\n`)
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}
