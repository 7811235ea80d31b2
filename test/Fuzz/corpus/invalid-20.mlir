seqpar.grid @g(axes = ["a" = 2])
func.func @dim_out_of_range(%x: tensor<4x4xf32>) {
  %0 = seqpar.packed_split %x on @g["a"] dim 2 seq_lens [4]
      : tensor<4x4xf32> -> tensor<4x2xf32>
  return
}
