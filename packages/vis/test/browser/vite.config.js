// The test page of @wasmml/vis's DOM charts, built from the packages' dist/
// as a user's bundler sees them; @wasmml/vis is this folder's own package.
// A plain object (no defineConfig): Vite runs from @wasmml/test-utils, which
// this package does not need to resolve.
import { fileURLToPath } from 'node:url';

export default {
  resolve: { alias: { '@wasmml/vis': fileURLToPath(new URL('../../dist/index.js', import.meta.url)) } },
  // Vega is most of the page; the size warning is noise here.
  build: { chunkSizeWarningLimit: 2000 },
};
