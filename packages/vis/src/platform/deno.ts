// Deno: the same as Node through Deno's node: built-ins and npm packages (resvg
// is a Node-API addon, which Deno loads).
export { platform } from './node.js';
