seqpar.grid @cp(axes = ["u" = 4])

func.func private @seqpar_rt_exchange_lengths(i64) -> i32

func.func @negative_clashing_exchange(%x: tensor<?xf32>) -> tensor<4xi64> {
  %l = seqpar.exchange_lengths %x on @cp["u"] dim 0
      : tensor<?xf32> -> tensor<4xi64>
  return %l : tensor<4xi64>
}
