seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 3])

func.func @reshard(%x: tensor<?x5x3xf32>, %p: tensor<?x8xi32>) -> (tensor<?x?x3xf32>, tensor<?x8xi32>) {
  %y = seqpar.reshard %x from <@cp, [{"ring" zigzag, "ulysses"}, {}, {}]>
      to <@cp, [{"ulysses" sizes [3, 0, 9]}, {"ring"}, {}]> shape [12, 5, 3]
      : tensor<?x5x3xf32> -> tensor<?x?x3xf32>
  %z = seqpar.reshard %y from <@cp, [{"ulysses" sizes [3, 0, 9]}, {"ring"}, {}]>
      to <@cp, [{}, {"ring", "ulysses"}, {}]> shape [12, 5, 3]
      : tensor<?x?x3xf32> -> tensor<12x?x3xf32>
  %q = seqpar.reshard %p from <@cp, [{"ring" packed [5, 4, 0]}, {}]>
      to <@cp, [{"ulysses", "ring"}, {}]> shape [9, 8]
      : tensor<?x8xi32> -> tensor<?x8xi32>
  return %y, %q : tensor<?x?x3xf32>, tensor<?x8xi32>
}
