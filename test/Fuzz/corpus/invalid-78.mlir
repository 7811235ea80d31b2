seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_group_rank_repeated_axis() -> index {
  %r = seqpar.group_rank on @cp["ring", "ring"]
  return %r : index
}
