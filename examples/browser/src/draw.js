// The drawing pad: pointer strokes on a black canvas, turned into an MNIST-like
// 28x28 digit the way the MNIST images were made: the ink's bounding box scaled
// into 20x20 (aspect kept), then placed so its centre of mass sits at the centre.

/**
 * Makes `canvas` a drawing pad; `onDigit(pixels)` gets 784 grey levels in [0, 1]
 * after each stroke.
 * @param {HTMLCanvasElement} canvas
 * @param {(pixels: Float32Array) => void} onDigit
 * @returns {{ clear: () => void }}
 */
export function drawingPad(canvas, onDigit) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = canvas.width / 12;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  let drawing = false;
  const at = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener('pointerdown', (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...at(e));
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    const pixels = toMnist(canvas);
    if (pixels) onDigit(pixels);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return { clear };
}

/**
 * The canvas ink as a 28x28 MNIST-style digit, or undefined when blank.
 * @param {HTMLCanvasElement} canvas
 */
export function toMnist(canvas) {
  const { width, height } = canvas;
  const src = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, width, height).data;
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (src[(y * width + x) * 4] > 32) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const w = x1 - x0 + 1,
    h = y1 - y0 + 1;
  const scale = 20 / Math.max(w, h);
  const small = new OffscreenCanvas(28, 28);
  const sctx = small.getContext('2d', { willReadFrequently: true });
  sctx.fillStyle = '#000';
  sctx.fillRect(0, 0, 28, 28);
  sctx.imageSmoothingQuality = 'high';
  const dw = w * scale,
    dh = h * scale;
  sctx.drawImage(canvas, x0, y0, w, h, (28 - dw) / 2, (28 - dh) / 2, dw, dh);
  const grey = new Float32Array(784);
  const px = sctx.getImageData(0, 0, 28, 28).data;
  let mass = 0,
    cx = 0,
    cy = 0;
  for (let i = 0; i < 784; i++) {
    const v = px[i * 4] / 255;
    grey[i] = v;
    mass += v;
    cx += v * (i % 28);
    cy += v * Math.floor(i / 28);
  }
  // Shift by whole pixels so the centre of mass lands on (13.5, 13.5).
  const dx = Math.round(13.5 - cx / mass),
    dy = Math.round(13.5 - cy / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sx = x - dx,
        sy = y - dy;
      if (sx >= 0 && sx < 28 && sy >= 0 && sy < 28) out[y * 28 + x] = grey[sy * 28 + sx];
    }
  }
  return out;
}
