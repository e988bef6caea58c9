// The recommenders' own kernels, compiled into the one kernel module beside the
// shared assembly/ (scripts/build-wasm.mjs). Names carry the package prefix;
// the wrappers in ../src/kernels call them through @wasmml/tensor's runKernel.
export { recommenders_mf_sgd_f32, recommenders_mf_adam_f32, recommenders_mf_predict_f32 } from './mf';
export { recommenders_bpr_sgd_f32, recommenders_bpr_adam_f32 } from './bpr';
export { recommenders_bpr_features_sgd_f32 } from './bpr_features';
