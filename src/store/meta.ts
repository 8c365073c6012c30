/**
 * The store's format record (docs/store.md, "Schema version"): sublevel `meta`, key `format`,
 * unencrypted JSON `{ "schema": 2, "encrypted": true, "keyCheck": "<hex>" }`, so that an open
 * can tell, before any key is at hand, which layout the store has and whether it is encrypted
 * (and under which data key: keyCheck is 16 bytes derived from it, at-rest/keys.ts).
 *
 * Schema version 1 had no meta sublevel; it kept its version as JSON in settings/schemaVersion.
 */
import type { AbstractBatchOptions } from 'abstract-level'
import { parseJson, stringify } from './codec.js'
import { UnsupportedSchemaVersionError } from './errors.js'
import { V1_SCHEMA_VERSION_KEY } from './layout.js'
import type { Level } from './sublevel.js'

export interface StoreFormat {
  schema: number
  encrypted: boolean
  keyCheck?: string
}

const FORMAT_KEY = 'format'

function meta (level: Level): ReturnType<Level['sublevel']> {
  return level.sublevel<string, Uint8Array>('meta', { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as ReturnType<Level['sublevel']>
}

/** The format of an open database; undefined when it is empty (a new store). */
export async function readStoreFormat (level: Level): Promise<StoreFormat | undefined> {
  const bytes = await meta(level).get(FORMAT_KEY) as Uint8Array | undefined
  if (bytes !== undefined) {
    const value = parseJson(bytes, 'meta') as Partial<StoreFormat> | null
    if (value === null || typeof value !== 'object' || !Number.isInteger(value.schema)) {
      throw new UnsupportedSchemaVersionError(value?.schema, 2)
    }
    return { schema: value.schema as number, encrypted: value.encrypted === true, ...(typeof value.keyCheck === 'string' ? { keyCheck: value.keyCheck } : {}) }
  }
  const settings = level.sublevel<string, Uint8Array>('settings', { keyEncoding: 'utf8', valueEncoding: 'view' })
  const v1 = await settings.get(V1_SCHEMA_VERSION_KEY) as Uint8Array | undefined
  if (v1 !== undefined) {
    let version: unknown
    try {
      version = parseJson(v1, 'settings')
    } catch {
      version = Buffer.from(v1).toString('utf8')
    }
    if (version !== 1) throw new UnsupportedSchemaVersionError(version, 2)
    return { schema: 1, encrypted: false }
  }
  const any = await level.keys({ limit: 1 }).all()
  if (any.length > 0) throw new UnsupportedSchemaVersionError('none', 2)
  return undefined
}

/** Writes the format record, synced; for a new store (and by a migration, into its new store). */
export async function writeStoreFormat (level: Level, format: StoreFormat): Promise<void> {
  const value = new TextEncoder().encode(stringify(format))
  await meta(level).put(FORMAT_KEY, value as never, { sync: true } as AbstractBatchOptions<string, Uint8Array>)
}
