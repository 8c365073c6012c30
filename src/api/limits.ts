/**
 * Limits and defaults of the local API methods (docs/api.md "Methods"), in a module of their
 * own: the CLI needs them, and must not load the method table and its schema library to
 * print a line (command latency, issue "load only what a command needs").
 */
import type { MessageState } from '../messenger/types.js'

/** `send --wait` stops waiting at the first of these states. */
export const FINAL_SEND_STATES: MessageState[] = ['delivered', 'read', 'failed', 'expired']
/** Default and largest `send --wait` timeout, in seconds. */
export const DEFAULT_SEND_WAIT_SECONDS = 30
export const MAX_SEND_WAIT_SECONDS = 600
/** `relays.add`: at most this many multiaddrs for one relay. */
export const MAX_RELAY_ADDRESSES = 16
/** `history`: at most this many messages per call. */
export const MAX_HISTORY_LIMIT = 1000
/** A message id: 16 bytes as 32 lowercase hex digits. */
export const MESSAGE_ID_PATTERN = /^[0-9a-f]{32}$/
