/** The ratchet's byte helpers: the shared ones of src/crypto/bytes.ts under the names it uses. */
export { concat as concatBytes, equal as bytesEqual } from '../bytes.js'
