export { reachability } from './service.js'
export type { Reachability, ReachabilityInit, ReachabilityEvents, PreferredRelay } from './service.js'
export { classify, relayOf, isPublicDirect } from './classify.js'
export type { ReachabilityMode, ReachabilityView } from './classify.js'
