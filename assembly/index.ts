// The kernel module: every exported function is a kernel the JS side can call,
// on the calling thread or split over the pool (see README.md for conventions).
export { gemm_pack_b_f32, gemm_f32 } from './gemm';
export { conv2d_f32 } from './conv';
export { conv2d_backprop_input_f32, conv2d_pack_filter_phases_f32 } from './conv_input';
export { conv2d_backprop_filter_f32, conv2d_sum_chunks_f32 } from './conv_filter';
export { depthwise_conv2d_f32, depthwise_conv2d_backprop_input_f32, depthwise_conv2d_backprop_filter_f32 } from './depthwise';
export { max_pool2d_f32, avg_pool2d_f32, max_pool2d_backprop_f32, avg_pool2d_backprop_f32 } from './pool2d';
