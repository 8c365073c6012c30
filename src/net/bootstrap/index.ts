export { bootstrapper, BOOTSTRAP_TAG } from './service.js'
export type { Bootstrapper, BootstrapperInit, BootstrapPeerStatus, BootstrapperEvents } from './service.js'
export { parseBootstrapList } from './parse.js'
export type { BootstrapPeer, ParsedBootstrapList } from './parse.js'
