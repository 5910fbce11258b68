import { create } from 'qrcode';
import { useMemo } from 'react';

/**
 * A QR code drawn as one SVG path from the library's module matrix: no data
 * URL, no injected markup, and crisp at any size.
 */
export function QrCode(props: { text: string; label: string; size?: number }) {
  const { path, size } = useMemo(() => {
    const modules = create(props.text, { errorCorrectionLevel: 'M' }).modules;
    let d = '';
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        if (modules.data[row * modules.size + col] === 1) d += `M${col + 4} ${row + 4}h1v1h-1z`;
      }
    }
    return { path: d, size: modules.size + 8 };
  }, [props.text]);
  return (
    <svg
      className="qr"
      role="img"
      aria-label={props.label}
      viewBox={`0 0 ${size} ${size}`}
      width={props.size ?? 240}
      height={props.size ?? 240}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
