seqpar.grid @g(axes = [ring = 2])
