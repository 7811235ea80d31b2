seqpar.grid @g(axes = ["a" = 4])
func.func @all_to_all_output_too_large(%x: tensor<?x8xf32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      gather_size 9223372036854775807
      : tensor<?x8xf32> -> tensor<9223372036854775807x2xf32>
  return
}
