seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_group_size_no_axes() -> index {
  %p = seqpar.group_size on @cp[]
  return %p : index
}
