/** Relays with mailboxes and forwarding (docs/relay.md): the mailbox protocol service, its storage and its client. */
export { mailbox, capabilityHash, type MailboxService, type MailboxInit, type MailboxComponents, type TrustList, type RateInit } from './service.js'
export type { DepositOptions, FetchedEnvelope, FetchResult, MailboxStatus, PushHandler, RelayCallOptions, UploadPrekeysOptions } from './client.js'
export type { ForwardCallback } from './forwarder.js'
export type { DeliveryHandler } from './server.js'
export { RelayStore, DEFAULT_RELAY_LIMITS, type RelayLimits, type RelayStats } from './store/index.js'
export * from './constants.js'
export * from './errors.js'
