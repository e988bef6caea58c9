// All element-wise ops in one import, for ops and gradients that compose them.
export * from './add-n.js';
export * from './binary.generated.js';
export * from './logical-not.js';
export * from './unary.js';
export * from './where.js';
