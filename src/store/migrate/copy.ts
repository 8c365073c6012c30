/**
 * Copies a schema version 1 store into a new, empty schema version 2 store (docs/store.md,
 * "Migration from schema version 1"): every record of every sublevel is decoded as version 1
 * wrote it and encoded anew (protobuf, and encrypted under the target's cipher). The source is
 * only read. The copy is written in unsynced batches and ends with one synced write, which
 * makes all of it durable (LevelDB syncs its log, and table files as it creates them); it is
 * not in use until the caller commits the migration.
 */
import { logger } from '@libp2p/logger'
import { plainCipher } from '../at-rest/cipher.js'
import { CorruptRecordError } from '../errors.js'
import { createRelaySublevels, createSublevels, SCHEMA_VERSION, SUBLEVEL_NAMES, V1_SCHEMA_VERSION_KEY } from '../layout.js'
import { writeStoreFormat } from '../meta.js'
import type { Store } from '../store.js'
import { batchOptions, levelOps, type Level, type RawOp, type TypedSublevel } from '../sublevel.js'
import { V1_VALUE_CODECS } from './v1.js'

const log = logger('murmur:store:migrate')

/** Records per LevelDB batch while copying. */
const COPY_BATCH = 1000

export interface CopyResult {
  /** Records copied, all sublevels together. */
  records: number
}

type AnySublevel = TypedSublevel<unknown, unknown>

export async function copyV1Store (source: Level, target: Store): Promise<CopyResult> {
  // Version 1 keys have the format of an unencrypted version 2 store: read them with its codecs.
  const plainViews = { ...createSublevels(source, plainCipher), ...createRelaySublevels(source, plainCipher) } as unknown as Record<string, AnySublevel>
  const targetViews = { ...target.sublevels, ...target.relaySublevels } as unknown as Record<string, AnySublevel>
  let records = 0
  for (const name of SUBLEVEL_NAMES) {
    const reader = plainViews[name]
    const writer = targetViews[name]
    const codec = V1_VALUE_CODECS[name]
    const iterator = reader.raw.iterator()
    let copied = 0
    try {
      while (true) {
        const entries = await iterator.nextv(COPY_BATCH)
        if (entries.length === 0) break
        const ops: RawOp[] = []
        for (const [key, bytes] of entries) {
          if (name === 'settings' && key === V1_SCHEMA_VERSION_KEY) continue
          let record: unknown
          let typedKey: unknown
          try {
            typedKey = reader.keyCodec.decode(key, name)
            record = codec.decode(bytes, name)
          } catch (err) {
            throw new CorruptRecordError(name, `a version 1 record cannot be read (${(err as Error).message}); nothing was migrated`, { cause: err })
          }
          ops.push(writer.encodePut(typedKey, record))
        }
        await target.level.batch(levelOps(ops), batchOptions(false))
        copied += ops.length
        log('copied %d records of %s', copied, name)
      }
    } finally {
      await iterator.close()
    }
    records += copied
  }
  // One synced write makes everything above durable.
  await writeStoreFormat(target.level, { schema: SCHEMA_VERSION, encrypted: target.encrypted, keyCheck: target.keyCheck })
  log('copied %d records in all', records)
  return { records }
}
