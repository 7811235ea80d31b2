seqpar.grid @g(axes = ["ring" = two])
