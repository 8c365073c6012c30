// Loaded by vitest before every test file: the Node 20 shims that libp2p 3 needs.
import '../src/runtime/node20-shims.js'
