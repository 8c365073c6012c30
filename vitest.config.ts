import { defineConfig } from 'vitest/config'
import { WaitingFirstSequencer } from './test/sequencer.js'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The node shims (Promise.withResolvers, global WebSocket) must load before libp2p.
    // test/cpu-log.ts: each file's CPU time, with MURMUR_TEST_CPU_LOG set (else nothing).
    // test/byte-equality.ts: toEqual compares integer typed arrays by their bytes at once.
    setupFiles: ['./test/setup.ts', './test/cpu-log.ts', './test/byte-equality.ts'],
    // New key files, passphrase changes and backups use scrypt N = 2^14 (the lowest a file may
    // record, docs/store.md "Keys") instead of 2^17: a derivation costs ~0.06 CPU-s instead of
    // ~0.5, in the test processes and in every `murmur` process they start (which inherit the
    // variable). The tests of the KDF's parameters (test/store/key-file, kdf) run at the defaults.
    env: { MURMUR_SCRYPT_N: String(2 ** 14) },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files share their worker's module cache instead of each importing libp2p, the crypto
    // stack and the store afresh: that import was ~55 s of a 412 s suite (isolated, the files
    // of test/crypto, wire, runtime, errors and net took 80 s; sharing, 46-54 s). Every file
    // still builds its own nodes, stores and homes and stops them in its own hooks; the one
    // file that mocks a module (test/crypto/hkdf-wipe) resets the module cache first.
    isolate: false,
    // Most of the suite's time is waiting (real processes, sockets, namespaces), not computing:
    // on this 2-core machine 1 worker took 649 s, 2 took 329 s, 3 took 267-281 s, 4 took 239 s.
    // Each test's own time grows with the contention (584 s in all with 1 or 2 workers, 700 s
    // with 3, 841 s with 4), and with 3 the NAT test's "both ways within 15 s" took 14.9 and
    // 15.4 s in two full runs (2-7 s alone): 2 keeps the tests' own deadlines away from the load.
    // Later (30 November 2026, test/cpu-log.ts) the suite proved bound by CPU: 290-370
    // CPU-seconds per run on 2 cores, four fifths of it in the processes the tests start
    // (`murmur` nodes and commands, Chromium, the NAT testbed). 3 workers beside 2 in back-to-back
    // runs on the shared machine: 396 s wall and 369 CPU-s against 376 s and 292 CPU-s, and two
    // tests failed on the load (load average 11): more workers only add contention.
    maxWorkers: 2,
    // The files that wait longest first (test/sequencer.ts): no worker idles beside a late one.
    sequence: { sequencer: WaitingFirstSequencer }
  }
})
