/**
 * Protobuf wire types (protobuf.dev "Encoding": Message Structure) used by the code that reads
 * or writes our messages by hand: the flat writer and the one-pass readers.
 */
export const WIRE_VARINT = 0
export const WIRE_LENGTH_DELIMITED = 2
