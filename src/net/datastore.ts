/**
 * The libp2p datastore of a murmur home: LevelDB through datastore-level, so the peer store
 * (`/peers/...`) and the DHT records this node holds (`/dht/record/...`) survive a restart.
 * It is a separate LevelDB folder from the messenger's own store (src/store/): libp2p owns its
 * key layout, and keeping the two apart means neither can corrupt the other.
 */
import { mkdir } from 'node:fs/promises'
import { LevelDatastore } from 'datastore-level'

export type { LevelDatastore }

/**
 * Open (creating if needed) the datastore in `path`. The caller closes it with `close()` after
 * the node has stopped. A second open of the same folder fails while the first holds the
 * LevelDB lock (NOTES.md), which is what keeps two daemons from sharing one home.
 */
export async function openDatastore (path: string): Promise<LevelDatastore> {
  await mkdir(path, { recursive: true })
  const datastore = new LevelDatastore(path)
  await datastore.open()
  return datastore
}
