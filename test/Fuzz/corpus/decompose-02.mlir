seqpar.grid @ring1(axes = ["ring" = 1, "ulysses" = 2])

func.func @ring_of_one(%x: tensor<7xf32>) -> (tensor<?xf32>, tensor<7xf32>) {
  %y = seqpar.hybrid_split %x on @ring1 ring "ring" ulysses "ulysses" dim 0
      : tensor<7xf32> -> tensor<?xf32>
  %z = seqpar.hybrid_gather %y on @ring1 ring "ring" ulysses "ulysses" dim 0
      gather_size 7 : tensor<?xf32> -> tensor<7xf32>
  return %y, %z : tensor<?xf32>, tensor<7xf32>
}
