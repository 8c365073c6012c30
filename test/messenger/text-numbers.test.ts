// Where our text numbers start (src/messenger/text-numbers.ts): the starts a restore adds, the
// start a text names, and the stored values read strictly.
import { describe, expect, it } from 'vitest'
import { MAX_TEXT_NUMBER_STARTS, nextNumber, readStarts, startOf, startsAfterRestore } from '../../src/messenger/text-numbers.js'

const NOW = 1_800_000_000_000

describe('text number starts', () => {
  it('a restore starts at its time, above the backup\'s starts and numbers even when the clock was set back', () => {
    expect(startsAfterRestore([], 41, NOW)).toEqual([NOW])
    // Restored again from a backup of the restored home: a later start of its own.
    expect(startsAfterRestore([NOW], NOW + 5, NOW + 60_000)).toEqual([NOW, NOW + 60_000])
    // A clock behind the last start, or behind the highest number used: above both.
    expect(startsAfterRestore([NOW], NOW + 5, 1_000)).toEqual([NOW, NOW + 6])
    expect(startsAfterRestore([NOW], 3, NOW - 10)).toEqual([NOW, NOW + 1])
    // One per restore, the oldest dropped past the bound.
    const many = Array.from({ length: MAX_TEXT_NUMBER_STARTS }, (_, i) => NOW + i)
    const after = startsAfterRestore(many, 0, NOW + 1_000)
    expect(after).toHaveLength(MAX_TEXT_NUMBER_STARTS)
    expect(after[0]).toBe(NOW + 1)
    expect(after[after.length - 1]).toBe(NOW + 1_000)
  })

  it('a text names the start of the numbering its number belongs to, and numbers go on from the latest', () => {
    const starts = [NOW, NOW + 60_000]
    expect(startOf(starts, 7)).toBe(0)
    expect(startOf(starts, NOW)).toBe(NOW)
    expect(startOf(starts, NOW + 59_999)).toBe(NOW)
    expect(startOf(starts, NOW + 60_001)).toBe(NOW + 60_000)
    expect(startOf([], 7)).toBe(0)
    expect(nextNumber([], 7)).toBe(8)
    expect(nextNumber(starts, 7)).toBe(NOW + 60_000)
    expect(nextNumber(starts, NOW + 60_000)).toBe(NOW + 60_001)
  })

  it('reads only an ascending list of positive safe integers; anything else is no start', () => {
    expect(readStarts([NOW, NOW + 1])).toEqual([NOW, NOW + 1])
    for (const value of [undefined, null, 5, 'x', {}, [NOW, NOW], [NOW + 1, NOW], [0], [-1], [1.5], [2 ** 53], ['1']]) {
      expect(readStarts(value as never), JSON.stringify(value)).toEqual([])
    }
  })
})
