// Base64 of binary weights, with the btoa / atob every runtime has (Node >= 16,
// Deno, browsers); chunked so String.fromCharCode never gets too many arguments.

/** Bytes -> base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Base64 text -> bytes (a fresh, 4-byte aligned buffer). */
export function decodeBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
