// The kernel module: every exported function is a kernel the JS side can call,
// on the calling thread or split over the pool (see README.md for conventions).
export { gemm_pack_b_f32, gemm_f32 } from './gemm';
export { gemm_pack_a_f32, gemm_cols_f32 } from './gemm_cols';
export { reduce_mean_f32, reduce_all_u8, reduce_any_u8 } from './reduce';
// The other reductions are generated instances of reduce.ts's generic drivers.
export * from './reduce_kernels';
export {
  softmax_f32, log_softmax_f32, softmax_grad_f32, log_softmax_grad_f32,
  softmax_xent_f32, sparse_softmax_xent_f32, logsumexp_f32, logsumexp_merge_f32,
} from './softmax';
export { norm_f32, norm_grad_f32 } from './norm';
export { transpose_f32, transpose_u8, transpose2d_f32, transpose2d_u8 } from './transpose';
export { gather_f32, gather_u8, unsorted_segment_sum_f32, unsorted_segment_sum_i32, nd_flat_index_i32 } from './gather';
export { cast_f32_i32, cast_f32_u8, cast_i32_f32, cast_i32_u8, cast_u8_f32, cast_u8_i32 } from './cast';
export {
  opt_sgd_f32, opt_momentum_f32, opt_rmsprop_f32, opt_adagrad_f32, opt_adam_f32, opt_adamax_f32,
} from './optimizer';
export { conv2d_f32 } from './conv';
export { conv2d_backprop_input_f32, conv2d_pack_filter_phases_f32 } from './conv_input';
export { conv2d_backprop_filter_f32, conv2d_sum_chunks_f32 } from './conv_filter';
export { depthwise_conv2d_f32, depthwise_conv2d_backprop_input_f32, depthwise_conv2d_backprop_filter_f32 } from './depthwise';
export { max_pool2d_f32, avg_pool2d_f32, max_pool2d_backprop_f32, avg_pool2d_backprop_f32 } from './pool2d';
// The unary kernels are generated from packages/kernels/src/ops/unary-table.ts.
export * from './unary_kernels';
export { is_nan_f32, is_finite_f32, is_inf_f32 } from './unary';
// The binary, comparison and logical kernels are generated from packages/kernels/src/ops/binary-table.ts.
export * from './binary_kernels';
// select_i32 / select_u8: generated instances of select.ts's row kernel.
export * from './select_kernels';
export { attention_f32, attention_grad_f32 } from './attention';
export { lstm_cell_f32, lstm_cell_grad_f32, lstm_forward_f32, lstm_backward_f32 } from './rnn';
export { gru_forward_f32, gru_backward_f32 } from './gru';
export { quantize_u7_f32, gemm_i8 } from './int8';
export { conv2d_i8 } from './int8_conv';
export { max_pool2d_u8 } from './int8_pool';
