/**
 * The script inlined into index.html (web/build.mjs): starts boot.ts at once and leaves the
 * promise for the app's module (main.tsx, takeBoot).
 */
import { boot, BOOT_GLOBAL } from './boot.js'

;(window as unknown as Record<string, unknown>)[BOOT_GLOBAL] = boot()
