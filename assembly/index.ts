// The kernel module: every exported function is a kernel the JS side can call,
// on the calling thread or split over the pool (see README.md for conventions).
export { gemm_pack_b_f32, gemm_f32 } from './gemm';
