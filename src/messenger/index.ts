/** The messenger: the typed library API of murmur (DESIGN.md "Layers", src/messenger). */
export { createMurmur, DEFAULT_LISTEN } from './murmur.js'
export type * from './api-types.js'
export type * from './types.js'
export { MurmurEventEmitter, type MurmurEvents, type MurmurEventName } from './events.js'
export * from './errors.js'
export { initHome, describeIdentity, type IdentityInfo } from './offline.js'
export { resolveHome, homePath, HOME_FILES, HOME_ENV } from './home.js'
export { MAX_TEXT_BYTES, DEFAULT_MESSAGE_TTL_MS } from './constants.js'
