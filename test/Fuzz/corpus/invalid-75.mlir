seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_static_on_dynamic(%x: tensor<?xf32>) {
  %0 = seqpar.split %x on @g["a"] dim 0
      {seqpar.lowering = #seqpar.lowering<per_peer>}
      : tensor<?xf32> -> tensor<?xf32>
  return
}
