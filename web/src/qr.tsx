/**
 * A QR code drawn as one SVG path from the encoder's module matrix (no markup string is ever
 * parsed: the strict CSP forbids it, and Preact sets the path as an attribute).
 */
import encodeQR from 'qr'
import { useMemo } from 'preact/hooks'

/** Added to the encoder's own quiet zone of 2 modules: 4 in all, as the QR standard asks. */
const BORDER = 2

export function QrCode ({ text, label }: { text: string, label: string }) {
  const { size, path } = useMemo(() => {
    const matrix = encodeQR(text, 'raw', { ecc: 'medium' })
    let d = ''
    matrix.forEach((row, y) => {
      row.forEach((dark, x) => { if (dark) d += `M${x + BORDER} ${y + BORDER}h1v1h-1z` })
    })
    return { size: matrix.length + 2 * BORDER, path: d }
  }, [text])
  return (
    <svg class="qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  )
}
