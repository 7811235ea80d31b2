seqpar.grid @cp(axes = ["u" = 4])

func.func private @seqpar_rt_output_shape(i32)

func.func @negative_clashing_output_shape(%x: tensor<?xf32>, %n: index)
    -> tensor<?xf32> {
  %y = seqpar.gather %x on @cp["u"] dim 0 gather_size %n
      : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}
