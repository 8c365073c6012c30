/**
 * The order in which vitest hands test files to its two workers. Most of the suite's time is
 * spent waiting on real processes, sockets and namespaces, in a few folders; vitest's own
 * order (the longest first when it has timed the files before, else the largest file first)
 * put a small file that waits 10 s (test/messenger/expiry) last on a clean clone, with the
 * other worker idle beside it. Files of the waiting folders go first, in vitest's order
 * within each; the unit tests, short and many, fill in at the end.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Folders under test/, the files that wait longest first. */
const FIRST = ['nat', 'e2e', 'web', 'messenger', 'net', 'relay', 'api', 'store']

function rank (spec: TestSpecification): number {
  const folder = /\/test\/([^/]+)\//.exec(spec.moduleId)?.[1] ?? ''
  const at = FIRST.indexOf(folder)
  return at === -1 ? FIRST.length : at
}

export class WaitingFirstSequencer extends BaseSequencer {
  override async sort (files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    // Array.prototype.sort is stable: vitest's order holds within a folder.
    return [...sorted].sort((a, b) => rank(a) - rank(b))
  }
}
