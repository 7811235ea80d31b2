seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_element_type(%x: tensor<?x8xf32>, %l: tensor<4xi32>) {
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1
      scatter_lengths(%l : tensor<4xi32>) : tensor<?x8xf32> -> tensor<?x32xf32>
  return
}
