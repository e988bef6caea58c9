// The packages a package's built JavaScript imports: static imports and
// re-exports, side-effect imports and dynamic import() of a literal or of a
// template literal's fixed prefix. Relative paths, node: built-ins and #imports
// (the package's own conditional entries) are not dependencies.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PATTERNS = [
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"`]([^'"`$]+)/g,
];

/** The package name of a bare specifier ('@scope/name/sub' → '@scope/name'), or undefined. */
export function packageOf(specifier: string): string | undefined {
  if (/^(\.|\/|node:|#|data:|https?:)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return jsFiles(p);
    return /\.(m?js)$/.test(f) ? [p] : [];
  });
}

/** Every package imported by the .js files under `dir`, sorted. */
export function importedPackages(dir: string, builtins: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const file of jsFiles(dir)) {
    const code = readFileSync(file, 'utf8');
    for (const re of PATTERNS) {
      for (const m of code.matchAll(re)) {
        const name = packageOf(m[1]!);
        if (name && !builtins.has(name)) found.add(name);
      }
    }
  }
  return [...found].sort();
}
