seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_group_rank_unknown_axis() -> index {
  %r = seqpar.group_rank on @cp["dp"]
  return %r : index
}
