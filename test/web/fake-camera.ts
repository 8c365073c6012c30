/**
 * A video file for Chromium's fake camera (--use-file-for-fake-video-capture): a QR code of
 * `text` on a white picture, as Y4M (YUV 4:2:0). The page's scanner then reads a real camera
 * stream through getUserMedia, as it would read a phone held up to the laptop.
 */
import { writeFile } from 'node:fs/promises'
import encodeQR from 'qr'

const WIDTH = 640
const HEIGHT = 480
const FRAMES = 2

export async function writeQrVideo (path: string, text: string): Promise<void> {
  const matrix = encodeQR(text, 'raw', { border: 4 })
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / matrix.length)
  const left = Math.floor((WIDTH - matrix.length * scale) / 2)
  const top = Math.floor((HEIGHT - matrix.length * scale) / 2)
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235)
  for (let y = 0; y < matrix.length * scale; y++) {
    for (let x = 0; x < matrix.length * scale; x++) {
      if (matrix[Math.floor(y / scale)][Math.floor(x / scale)]) luma[(top + y) * WIDTH + left + x] = 16
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`)
  await writeFile(path, Buffer.concat([header, ...Array.from({ length: FRAMES }, () => frame)]))
}
