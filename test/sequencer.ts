/**
 * The order in which vitest hands test files to its two workers. Most of the suite's time is
 * spent waiting on real processes, sockets and namespaces, in a few folders; vitest's own
 * order (the longest first when it has timed the files before, else the largest file first)
 * put a small file that waits 10 s (test/messenger/expiry) last on a clean clone, with the
 * other worker idle beside it. Files of the waiting folders go first, in vitest's order
 * within each; then the files that compute for seconds by design (the fuzz run, the property
 * tests: small files, so by size they came last, and the run ended with one of them alone);
 * the unit tests, short and many, fill in at the end.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Folders under test/, the files that wait longest first. */
const FIRST = ['nat', 'e2e', 'web', 'messenger', 'net', 'relay', 'api', 'store']

/** Files that compute for seconds (many generated inputs), whatever their size. */
const COMPUTING = /\/test\/fuzz\/|property\.test\.ts$/

function rank (spec: TestSpecification): number {
  const folder = /\/test\/([^/]+)\//.exec(spec.moduleId)?.[1] ?? ''
  const at = FIRST.indexOf(folder)
  if (at !== -1) return at
  return COMPUTING.test(spec.moduleId) ? FIRST.length : FIRST.length + 1
}

export class WaitingFirstSequencer extends BaseSequencer {
  override async sort (files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    // Array.prototype.sort is stable: vitest's order holds within a rank.
    return [...sorted].sort((a, b) => rank(a) - rank(b))
  }
}
