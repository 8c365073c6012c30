// The `libsodium` package (libsodium's raw Emscripten module) ships no types. Its default export
// instantiates the module; src/crypto/providers/chacha-sodium.ts types the functions it calls.
declare module 'libsodium' {
  const loadLibsodium: (options?: { getRandomValue?: () => number }) => Promise<unknown>
  export default loadLibsodium
}
