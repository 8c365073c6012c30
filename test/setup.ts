// Loaded by vitest before every test file: the Node 20 shims that libp2p 3 needs, and the node
// provider's libsodium engines loaded, as a node and the benchmarks have them (Murmur.start and
// bench/run.ts wait for them): every test of the node provider, the known-answer vectors
// included, runs the engines murmur runs. Their OpenSSL and noble fallbacks are checked against
// them in test/crypto/fast-paths.test.ts.
import '../src/runtime/node20-shims.js'
// The module alone, not the providers: a test may mock node:crypto before it loads them.
import { sodiumReady } from '../src/crypto/providers/sodium-module.js'

await sodiumReady
