/**
 * Provider selection (DESIGN.md "Crypto providers"): `node` is the default on Node, `noble`
 * the pure-JS reference. Both take the same options, so a deterministic random source makes
 * either reproduce the known-answer vectors.
 */
import { MurmurError } from '../../errors/murmur-error.js'
import { nobleProvider } from './noble.js'
import { nodeProvider } from './node.js'
import type { CryptoProvider, ProviderName, RandomSource } from '../provider.js'

/**
 * Resolves once the node provider's faster engines (libsodium: short AEAD inputs, ML-KEM-768)
 * have loaded (sodium-module.ts). Before that the provider is as correct, only slower: a node
 * waits for it on start, and a benchmark before it measures.
 */
export { sodiumReady as providersReady } from './sodium-module.js'
export { nobleProvider } from './noble.js'
export { nodeProvider } from './node.js'
export type { NobleProviderOptions } from './noble.js'
export type { NodeProviderOptions } from './node.js'

export interface ProviderOptions {
  /** Replace the OS random source, e.g. with `deterministicRandom(seed)` for vectors. */
  randomBytes?: RandomSource
}

/** Every provider name, the default first. */
export const PROVIDER_NAMES: readonly ProviderName[] = Object.freeze(['node', 'noble'] as const)

/** A provider name that is not one of PROVIDER_NAMES. */
export class UnknownProviderError extends MurmurError {
  constructor (message = 'Unknown crypto provider') {
    super(message)
  }
}

export function createProvider (name: ProviderName = 'node', options: ProviderOptions = {}): CryptoProvider {
  switch (name) {
    case 'node': return nodeProvider(options)
    case 'noble': return nobleProvider(options)
    default:
      // Reached only from untyped callers (configuration, CLI flags).
      throw new UnknownProviderError(`Unknown crypto provider: ${String(name)}`)
  }
}

let cachedDefault: CryptoProvider | undefined

/** One shared `node` provider with the OS random source (its key caches are shared too). */
export function defaultProvider (): CryptoProvider {
  cachedDefault ??= nodeProvider()
  return cachedDefault
}

/** True when `value` names a provider (for untyped input such as a CLI flag). */
export function isProviderName (value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDER_NAMES as readonly string[]).includes(value)
}
