/** The store (docs/store.md): LevelDB with typed sublevels, atomic group-committed batches, encrypted values. */
export { MAX_ROOM, openStore, Store, type HistoryQuery, type StoreLocation, type StoreOptions, type WriteOptions } from './store.js'
export { StoreBatch, type ConversationDelta } from './batch.js'
export { SCHEMA_VERSION, type ConversationKey, type MessageKey, type OutboxDueKey, type SeenAtKey, type Sublevels } from './layout.js'
export { plainCipher, sealedCipher, type StoreCipher } from './at-rest/cipher.js'
export type { GroupCommitStats } from './group-commit.js'
export type { Level, ReadonlySublevel, TypedSublevel } from './sublevel.js'
export * from './errors.js'
export type * from './records.js'
