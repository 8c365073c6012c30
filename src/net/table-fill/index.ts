export { tableFill } from './service.js'
export type { TableFill, TableFillInit, TableFillStatus } from './service.js'
