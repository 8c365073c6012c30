/** The dm protocol, '/murmur/dm/1.0.0' (docs/protocol.md part 6, "dm"): the service and its types. */
export { dm, DM_PROTOCOL } from './service.js'
export type { DmService, DmInit, DmComponents, DmSendOptions, DmServiceEvents, DmStreamEventDetail } from './service.js'
export type { DmHandler } from './inbound.js'
export type { DmReceiveResult } from './frames.js'
export type { DmSendResult } from './outbound.js'
export * from './errors.js'
