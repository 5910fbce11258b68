import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'react';
import type { Camera } from '../../app/shell';

interface DetectedBarcode {
  readonly rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
declare global {
  // The Shape Detection API: Chromium on Android and ChromeOS, not everywhere.
  var BarcodeDetector: (new (options: { formats: string[] }) => BarcodeDetectorLike) | undefined;
}

const SCAN_MS = 250;

/** Decodes one frame: BarcodeDetector where the browser has it, jsQR on a canvas otherwise. */
async function decodeFrame(
  video: HTMLVideoElement,
  detector: BarcodeDetectorLike | undefined,
  canvas: HTMLCanvasElement,
): Promise<string | undefined> {
  if (detector !== undefined) {
    const found = await detector.detect(video);
    return found[0]?.rawValue;
  }
  const { videoWidth: w, videoHeight: h } = video;
  if (w === 0 || h === 0) return undefined;
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx === null) return undefined;
  ctx.drawImage(video, 0, 0, w, h);
  const image = ctx.getImageData(0, 0, w, h);
  return jsQR(image.data, w, h, { inversionAttempts: 'dontInvert' })?.data;
}

/**
 * The camera, looking for a QR code. Stops the camera as soon as it reads one
 * (or when closed). The text goes to `onText` only, never to a URL or a log.
 */
export function QrScanner(props: {
  camera: Camera;
  onText: (text: string) => void;
  onCancel: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const frame = useRef<HTMLCanvasElement>(null);
  const { camera } = props;
  const cameraless = !camera.available;
  const [failed, setFailed] = useState(false);
  const problem = cameraless
    ? 'This browser cannot use a camera here. Type the code instead.'
    : failed
      ? 'The camera could not be opened. Allow it, or type the code instead.'
      : undefined;
  const { onText } = props;

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const Detector = globalThis.BarcodeDetector;
    const detector = Detector === undefined ? undefined : new Detector({ formats: ['qr_code'] });

    const scan = async (): Promise<void> => {
      const v = video.current;
      const canvas = frame.current;
      if (!live || v === null || canvas === null) return;
      let text: string | undefined;
      try {
        text = await decodeFrame(v, detector, canvas);
      } catch {
        text = undefined; // A frame the detector could not read: try the next one.
      }
      if (!live) return;
      if (text !== undefined) {
        live = false;
        stream?.getTracks().forEach((t) => t.stop());
        onText(text);
        return;
      }
      timer = setTimeout(() => void scan(), SCAN_MS);
    };

    if (cameraless) return;
    camera
      .open()
      .then(async (s) => {
        stream = s;
        if (!live || video.current === null) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        video.current.srcObject = s;
        await video.current.play();
        void scan();
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onText, cameraless, camera]);

  return (
    <div className="scanner stack">
      {problem === undefined ? (
        <>
          <video ref={video} muted playsInline aria-label="Camera view" />
          <canvas ref={frame} hidden />
          <p className="muted">Point the camera at the QR code on your other device.</p>
        </>
      ) : (
        <p role="alert">{problem}</p>
      )}
      <div>
        <button type="button" onClick={props.onCancel}>
          Type the code instead
        </button>
      </div>
    </div>
  );
}
