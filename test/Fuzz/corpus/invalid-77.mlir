func.func @negative_group_size_unknown_grid() -> index {
  %p = seqpar.group_size on @nowhere["x"]
  return %p : index
}
