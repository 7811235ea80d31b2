seqpar.grid @g(axes = ["a" = 2, "b" = 3])
func.func @main(%c: i1) {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  return
^bb2:
  return
}
