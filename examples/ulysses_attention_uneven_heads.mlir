// Ulysses attention block on 4 ranks where neither dim divides: S = 10
// tokens and H = 6 heads, D = 8. Rank r holds tokens
// [offset(10, 4)[r], +sizes(10, 4)[r]) of q, k and v ([s_r, 6, D]); an
// all-to-all makes them head-sharded ([S, h_r, D], h_r = sizes(6, 4)[r], so
// [2, 2, 1, 1] heads), each rank runs softmax(q k^T / sqrt(D)) v on its heads
// with linalg, and the reverse all-to-all brings the output back to sequence
// sharding. The same @attention function on the full tensors is the
// single-rank reference; every rank prints
//   ( rank, first token, local tokens, max abs error )
// for scripts/demo.sh (the error against the reference on its tokens).

seqpar.grid @sp(axes = ["ulysses" = 4])

func.func private @printI64(i64)
func.func private @printF32(f32)
func.func private @printOpen()
func.func private @printClose()
func.func private @printComma()
func.func private @printNewline()

// Deterministic inputs: element (i, h, d) of the tokens starting at `first`
// is sin(seed * (1.3 * (first + i) + 0.7 * h + 0.31 * d)).
func.func @make(%seed: f32, %first: index, %n: index) -> tensor<?x6x8xf32> {
  %e = tensor.empty(%n) : tensor<?x6x8xf32>
  %t = linalg.generic {
      indexing_maps = [affine_map<(i, h, d) -> (i, h, d)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%e : tensor<?x6x8xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %h = linalg.index 1 : index
    %d = linalg.index 2 : index
    %tok = arith.addi %first, %i : index
    %ti = arith.index_cast %tok : index to i64
    %hi = arith.index_cast %h : index to i64
    %di = arith.index_cast %d : index to i64
    %tf = arith.sitofp %ti : i64 to f32
    %hf = arith.sitofp %hi : i64 to f32
    %df = arith.sitofp %di : i64 to f32
    %a = arith.constant 1.3 : f32
    %b = arith.constant 0.7 : f32
    %c = arith.constant 0.31 : f32
    %x0 = arith.mulf %tf, %a : f32
    %x1 = arith.mulf %hf, %b : f32
    %x2 = arith.mulf %df, %c : f32
    %s0 = arith.addf %x0, %x1 : f32
    %s1 = arith.addf %s0, %x2 : f32
    %s2 = arith.mulf %s1, %seed : f32
    %v = math.sin %s2 : f32
    linalg.yield %v : f32
  } -> tensor<?x6x8xf32>
  return %t : tensor<?x6x8xf32>
}

// softmax(q k^T / sqrt(D)) v per head, on [heads, S, D].
func.func @attention(%q: tensor<?x10x8xf32>, %k: tensor<?x10x8xf32>,
                     %v: tensor<?x10x8xf32>) -> tensor<?x10x8xf32> {
  %c0 = arith.constant 0 : index
  %h = tensor.dim %q, %c0 : tensor<?x10x8xf32>
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %scale = arith.constant 0.35355339 : f32
  // k^T: [h, D, S].
  %ekt = tensor.empty(%h) : tensor<?x8x10xf32>
  %kt = linalg.transpose ins(%k : tensor<?x10x8xf32>)
      outs(%ekt : tensor<?x8x10xf32>) permutation = [0, 2, 1]
  %es = tensor.empty(%h) : tensor<?x10x10xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<?x10x10xf32>)
      -> tensor<?x10x10xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<?x10x8xf32>, tensor<?x8x10xf32>)
      outs(%zs : tensor<?x10x10xf32>) -> tensor<?x10x10xf32>
  // Row max.
  %em = tensor.empty(%h) : tensor<?x10xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%em : tensor<?x10xf32>)
      -> tensor<?x10xf32>
  %m = linalg.generic {
      indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>,
                       affine_map<(b, i, j) -> (b, i)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s : tensor<?x10x10xf32>) outs(%m0 : tensor<?x10xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %y = arith.mulf %x, %scale : f32
    %r = arith.maximumf %y, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x10xf32>
  // exp(scale * s - max).
  %p = linalg.generic {
      indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>,
                       affine_map<(b, i, j) -> (b, i)>,
                       affine_map<(b, i, j) -> (b, i, j)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s, %m : tensor<?x10x10xf32>, tensor<?x10xf32>)
      outs(%es : tensor<?x10x10xf32>) {
  ^bb0(%x: f32, %mx: f32, %o: f32):
    %y = arith.mulf %x, %scale : f32
    %d = arith.subf %y, %mx : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<?x10x10xf32>
  %l0 = linalg.fill ins(%zero : f32) outs(%em : tensor<?x10xf32>)
      -> tensor<?x10xf32>
  %l = linalg.generic {
      indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>,
                       affine_map<(b, i, j) -> (b, i)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p : tensor<?x10x10xf32>) outs(%l0 : tensor<?x10xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %x, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?x10xf32>
  %pn = linalg.generic {
      indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>,
                       affine_map<(b, i, j) -> (b, i)>,
                       affine_map<(b, i, j) -> (b, i, j)>],
      iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%p, %l : tensor<?x10x10xf32>, tensor<?x10xf32>)
      outs(%es : tensor<?x10x10xf32>) {
  ^bb0(%x: f32, %sum: f32, %o: f32):
    %r = arith.divf %x, %sum : f32
    linalg.yield %r : f32
  } -> tensor<?x10x10xf32>
  %eo = tensor.empty(%h) : tensor<?x10x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<?x10x8xf32>)
      -> tensor<?x10x8xf32>
  %o = linalg.batch_matmul ins(%pn, %v : tensor<?x10x10xf32>, tensor<?x10x8xf32>)
      outs(%zo : tensor<?x10x8xf32>) -> tensor<?x10x8xf32>
  return %o : tensor<?x10x8xf32>
}

// Sequence-sharded [s_r, H, D] -> head-sharded [h_r, S, D] (h_r of the 6
// heads): the all-to-all, then a transpose that the conversion folds into
// its unpack.
func.func @to_heads(%x: tensor<?x6x8xf32>) -> tensor<?x10x8xf32> {
  %y = seqpar.all_to_all %x on @sp["ulysses"] scatter 1 gather 0
      gather_size 10 : tensor<?x6x8xf32> -> tensor<10x?x8xf32>
  %c1 = arith.constant 1 : index
  %h = tensor.dim %y, %c1 : tensor<10x?x8xf32>
  %e = tensor.empty(%h) : tensor<?x10x8xf32>
  %t = linalg.transpose ins(%y : tensor<10x?x8xf32>)
      outs(%e : tensor<?x10x8xf32>) permutation = [1, 0, 2]
  return %t : tensor<?x10x8xf32>
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %r = seqpar.group_rank on @sp["ulysses"]
  %r_i = arith.index_cast %r : index to i64
  // Which tokens this rank holds: the token ids, split like the tokens.
  %ids = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]> : tensor<10xi64>
  %my_ids = seqpar.split %ids on @sp["ulysses"] dim 0
      : tensor<10xi64> -> tensor<?xi64>
  %n = tensor.dim %my_ids, %c0 : tensor<?xi64>
  %n_i = arith.index_cast %n : index to i64
  %first_i = tensor.extract %my_ids[%c0] : tensor<?xi64>
  %first = arith.index_cast %first_i : i64 to index

  %sq = arith.constant 1.0 : f32
  %sk = arith.constant 0.8 : f32
  %sv = arith.constant 0.6 : f32
  %q = func.call @make(%sq, %first, %n) : (f32, index, index) -> tensor<?x6x8xf32>
  %k = func.call @make(%sk, %first, %n) : (f32, index, index) -> tensor<?x6x8xf32>
  %v = func.call @make(%sv, %first, %n) : (f32, index, index) -> tensor<?x6x8xf32>

  // Ulysses: heads to ranks, local attention, tokens back to ranks.
  %qh = func.call @to_heads(%q) : (tensor<?x6x8xf32>) -> tensor<?x10x8xf32>
  %kh = func.call @to_heads(%k) : (tensor<?x6x8xf32>) -> tensor<?x10x8xf32>
  %vh = func.call @to_heads(%v) : (tensor<?x6x8xf32>) -> tensor<?x10x8xf32>
  %oh = func.call @attention(%qh, %kh, %vh)
      : (tensor<?x10x8xf32>, tensor<?x10x8xf32>, tensor<?x10x8xf32>)
      -> tensor<?x10x8xf32>
  %hl = tensor.dim %oh, %c0 : tensor<?x10x8xf32>
  %et = tensor.empty(%hl) : tensor<10x?x8xf32>
  %ot = linalg.transpose ins(%oh : tensor<?x10x8xf32>)
      outs(%et : tensor<10x?x8xf32>) permutation = [1, 0, 2]
  %out = seqpar.all_to_all %ot on @sp["ulysses"] scatter 0 gather 1
      gather_size 6 : tensor<10x?x8xf32> -> tensor<?x6x8xf32>

  // Reference: the whole block on one rank, then this rank's tokens.
  %n10 = arith.constant 10 : index
  %qf = func.call @make(%sq, %c0, %n10) : (f32, index, index) -> tensor<?x6x8xf32>
  %kf = func.call @make(%sk, %c0, %n10) : (f32, index, index) -> tensor<?x6x8xf32>
  %vf = func.call @make(%sv, %c0, %n10) : (f32, index, index) -> tensor<?x6x8xf32>
  %qfs = tensor.cast %qf : tensor<?x6x8xf32> to tensor<10x6x8xf32>
  %kfs = tensor.cast %kf : tensor<?x6x8xf32> to tensor<10x6x8xf32>
  %vfs = tensor.cast %vf : tensor<?x6x8xf32> to tensor<10x6x8xf32>
  %eh = tensor.empty() : tensor<6x10x8xf32>
  %qt = linalg.transpose ins(%qfs : tensor<10x6x8xf32>) outs(%eh : tensor<6x10x8xf32>) permutation = [1, 0, 2]
  %kt = linalg.transpose ins(%kfs : tensor<10x6x8xf32>) outs(%eh : tensor<6x10x8xf32>) permutation = [1, 0, 2]
  %vt = linalg.transpose ins(%vfs : tensor<10x6x8xf32>) outs(%eh : tensor<6x10x8xf32>) permutation = [1, 0, 2]
  %qtd = tensor.cast %qt : tensor<6x10x8xf32> to tensor<?x10x8xf32>
  %ktd = tensor.cast %kt : tensor<6x10x8xf32> to tensor<?x10x8xf32>
  %vtd = tensor.cast %vt : tensor<6x10x8xf32> to tensor<?x10x8xf32>
  %ref = func.call @attention(%qtd, %ktd, %vtd)
      : (tensor<?x10x8xf32>, tensor<?x10x8xf32>, tensor<?x10x8xf32>)
      -> tensor<?x10x8xf32>
  %refs = tensor.cast %ref : tensor<?x10x8xf32> to tensor<6x10x8xf32>
  %es = tensor.empty() : tensor<10x6x8xf32>
  %refseq = linalg.transpose ins(%refs : tensor<6x10x8xf32>)
      outs(%es : tensor<10x6x8xf32>) permutation = [1, 0, 2]
  %mine = tensor.extract_slice %refseq[%first, 0, 0] [%n, 6, 8] [1, 1, 1]
      : tensor<10x6x8xf32> to tensor<?x6x8xf32>

  // Max abs error.
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<f32>
  %z0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %err = linalg.generic {
      indexing_maps = [affine_map<(i, h, d) -> (i, h, d)>,
                       affine_map<(i, h, d) -> (i, h, d)>,
                       affine_map<(i, h, d) -> ()>],
      iterator_types = ["reduction", "reduction", "reduction"]}
      ins(%out, %mine : tensor<?x6x8xf32>, tensor<?x6x8xf32>)
      outs(%z0 : tensor<f32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %d = arith.subf %a, %b : f32
    %ad = math.absf %d : f32
    %m = arith.maximumf %ad, %acc : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  %errv = tensor.extract %err[] : tensor<f32>

  func.call @printOpen() : () -> ()
  func.call @printI64(%r_i) : (i64) -> ()
  func.call @printComma() : () -> ()
  func.call @printI64(%first_i) : (i64) -> ()
  func.call @printComma() : () -> ()
  func.call @printI64(%n_i) : (i64) -> ()
  func.call @printComma() : () -> ()
  func.call @printF32(%errv) : (f32) -> ()
  func.call @printClose() : () -> ()
  func.call @printNewline() : () -> ()
  return
}
