export { liveness, PING_PROTOCOL } from './service.js'
export type { Liveness, LivenessInit, LivenessStats } from './service.js'
