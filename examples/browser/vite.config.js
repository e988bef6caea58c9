// For `vite` (dev) and `vite preview`: the cross-origin isolation headers, so
// that threads work there too. The build itself needs no configuration: the
// .wasm files and the kernel workers come in through `new URL(..., import.meta.url)`.
import { defineConfig } from 'vite';

const headers = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers },
  preview: { headers },
  // Vega is most of the page's 800 kB; the warning about it is noise here.
  build: { chunkSizeWarningLimit: 1200 },
});
