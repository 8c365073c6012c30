/**
 * Reads a QR code: from the camera (getUserMedia; http://127.0.0.1 is a secure context) or
 * from an image file (a screenshot or photo of the other person's page). The decoder is
 * loaded only when needed.
 */
import { useEffect, useRef, useState } from 'preact/hooks'

const SCAN_INTERVAL_MS = 150

async function decodePixels (image: ImageData): Promise<string | undefined> {
  const { default: decodeQR } = await import('qr/decode.js')
  try {
    return decodeQR(image)
  } catch {
    return undefined // no QR code in this picture
  }
}

function pixelsOf (source: CanvasImageSource, width: number, height: number): ImageData {
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (context === null) throw new Error('no 2D canvas')
  context.drawImage(source, 0, 0, width, height)
  return context.getImageData(0, 0, width, height)
}

export async function decodeImageFile (file: File): Promise<string | undefined> {
  const bitmap = await createImageBitmap(file)
  try {
    return await decodePixels(pixelsOf(bitmap, bitmap.width, bitmap.height))
  } finally {
    bitmap.close()
  }
}

/** A file picker that reads a QR code from an image. */
export function QrFileInput ({ label, onText, onError }: { label: string, onText: (text: string) => void, onError: (message: string) => void }) {
  return (
    <label class="button secondary file">
      {label}
      <input
        type="file"
        accept="image/*"
        onChange={(event) => {
          const input = event.currentTarget
          const file = input.files?.[0]
          input.value = ''
          if (file === undefined) return
          decodeImageFile(file).then((text) => {
            if (text === undefined) onError('no QR code found in that image')
            else onText(text)
          }, () => { onError('that file is not an image this browser can read') })
        }}
      />
    </label>
  )
}

/** Shows the camera and reports the first QR code it sees; stops the camera when done. */
export function QrCamera ({ onText, onClose }: { onText: (text: string) => void, onClose: (error?: string) => void }) {
  const video = useRef<HTMLVideoElement>(null)
  const [status, setStatus] = useState('starting the camera…')
  useEffect(() => {
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const stop = (): void => {
      stopped = true
      clearTimeout(timer)
      for (const track of stream?.getTracks() ?? []) track.stop()
    }
    const tick = async (): Promise<void> => {
      const v = video.current
      if (stopped || v === null) return
      if (v.videoWidth > 0) {
        const text = await decodePixels(pixelsOf(v, v.videoWidth, v.videoHeight))
        if (stopped) return
        if (text !== undefined) { stop(); onText(text); return }
      }
      timer = setTimeout(() => { void tick() }, SCAN_INTERVAL_MS)
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(async (s) => {
      stream = s
      if (stopped || video.current === null) { stop(); return }
      video.current.srcObject = s
      await video.current.play()
      setStatus('hold the QR code in front of the camera')
      void tick()
    }, (err: unknown) => {
      onClose(`the camera could not be opened: ${err instanceof Error ? err.message : String(err)}`)
    })
    return stop
  }, [])
  return (
    <div class="camera">
      <video ref={video} muted playsInline aria-label="camera picture" />
      <p role="status">{status}</p>
      <button type="button" class="secondary" onClick={() => { onClose() }}>Stop the camera</button>
    </div>
  )
}
