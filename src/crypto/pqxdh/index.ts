/** PQXDH with X25519, SHA-256 and ML-KEM-768 (docs/protocol.md part 2). */
export * from './constants.js'
export { InvalidPreKeyIdError } from './errors.js'
export type { IdentityKeys } from './identity-keys.js'
export {
  generateSignedPreKey, generateLastResortKemPreKey, generateOneTimePreKeys, generateOneTimeKemPreKeys,
  preKeySignedMessage, kemPreKeyLabel,
  type KemPreKeyKind, type SignedPreKeyRecord, type KemPreKeyRecord, type OneTimePreKeyRecord, type PreKeyOptions
} from './prekeys.js'
export {
  createBundle, verifyBundle, encodeBundle, decodeBundle,
  type PreKeyBundle, type SignedPreKeyPublic, type KemPreKeyPublic, type OneTimePreKeyPublic,
  type InvalidBundleReason, type BundleKeys
} from './bundle.js'
export { derivePqxdhKeys, pqxdhAssociatedData, type PqxdhKeys, type PqxdhSharedInputs } from './key-agreement.js'
export { encodePreKeyMessage, decodePreKeyMessage, type PreKeyHeader, type PreKeyMessage } from './message.js'
export { pqxdhInitiate, type PqxdhInitiatorResult, type PqxdhInitiateOptions } from './initiator.js'
export { pqxdhRespond, type PqxdhResponderKeys, type PqxdhResponderResult } from './responder.js'
export {
  acceptPreKeyMessage,
  type ResponderContext, type ConsumedPreKeys, type AcceptedPreKeyMessage, type AcceptOptions
} from './accept.js'
