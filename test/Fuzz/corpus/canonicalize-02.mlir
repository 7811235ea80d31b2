seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @one_by_one(axes = ["ring" = 1, "ulysses" = 1])

func.func @group_queries() -> (index, index, index) {
  %p = seqpar.group_size on @cp["ulysses", "ring"]
  %z = seqpar.group_rank on @one_by_one["ring", "ulysses"]
  %r = seqpar.group_rank on @cp["ulysses"]
  return %p, %z, %r : index, index, index
}
