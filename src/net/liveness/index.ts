export { liveness } from './service.js'
export type { Liveness, LivenessInit, LivenessStats } from './service.js'
