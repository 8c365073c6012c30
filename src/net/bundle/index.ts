/** The bundle protocol, '/murmur/bundle/1.0.0' (docs/protocol.md part 6, "bundle"): the service and its types. */
export { bundle, BUNDLE_PROTOCOL } from './service.js'
export type { BundleService, BundleInit, BundleComponents, BundleProvider, FetchBundleOptions } from './service.js'
export * from './errors.js'
