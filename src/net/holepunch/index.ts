export { holePunch } from './service.js'
export type { HolePunchService, HolePunchInit, HolePunchEvents, HolePunchOutcome } from './service.js'
export { HOLE_PUNCH_PROTOCOL } from './constants.js'
export { HolePunchFailedError } from './errors.js'
