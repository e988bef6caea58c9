// All element-wise ops in one import, for ops and gradients that compose them.
export * from './arithmetic.js';
export * from './compare.js';
export * from './unary.js';
