// One case per verifier message of the seqpar dialect.
// RUN: seqpar-opt %s --split-input-file --verify-diagnostics

//===----------------------------------------------------------------------===//
// seqpar.grid
//===----------------------------------------------------------------------===//

// expected-error @+1 {{'seqpar.grid' op grid [] has 0 axes but 1 to 16 are supported}}
seqpar.grid @g(axes = [])

// -----

// expected-error @+1 {{'seqpar.grid' op axis names must not be empty}}
seqpar.grid @g(axes = ["" = 2])

// -----

// expected-error @+1 {{'seqpar.grid' op axis "a" is declared twice}}
seqpar.grid @g(axes = ["a" = 2, "a" = 2])

// -----

// expected-error @+1 {{'seqpar.grid' op grid [0] has an axis of size 0}}
seqpar.grid @g(axes = ["a" = 0])

// -----

// expected-error @+1 {{'seqpar.grid' op grid [65536, 65536] has more than 2147483647 ranks}}
seqpar.grid @g(axes = ["a" = 65536, "b" = 65536])

// -----

// One axis past the limit of 16.
// expected-error @+1 {{'seqpar.grid' op grid [1, 1, 1, 1, 1, 1, 1, 1, ..., 1, 1, 1, 1, 1, 1, 1, 1] (17 entries) has 17 axes but 1 to 16 are supported}}
seqpar.grid @g(axes = ["a" = 1, "b" = 1, "c" = 1, "d" = 1, "e" = 1, "f" = 1,
                       "g" = 1, "h" = 1, "i" = 1, "j" = 1, "k" = 1, "l" = 1,
                       "m" = 1, "n" = 1, "o" = 1, "p" = 1, "q" = 1])

// -----

// 70 axes (once past a 64-bit axis mask): rejected, not wrapped around.
// expected-error @+1 {{'seqpar.grid' op grid [1, 1, 1, 1, 1, 1, 1, 1, ..., 1, 1, 1, 1, 1, 1, 1, 2] (70 entries) has 70 axes but 1 to 16 are supported}}
seqpar.grid @g(axes = [
  "a0" = 1, "a1" = 1, "a2" = 1, "a3" = 1, "a4" = 1, "a5" = 1, "a6" = 1,
  "a7" = 1, "a8" = 1, "a9" = 1, "a10" = 1, "a11" = 1, "a12" = 1, "a13" = 1,
  "a14" = 1, "a15" = 1, "a16" = 1, "a17" = 1, "a18" = 1, "a19" = 1,
  "a20" = 1, "a21" = 1, "a22" = 1, "a23" = 1, "a24" = 1, "a25" = 1,
  "a26" = 1, "a27" = 1, "a28" = 1, "a29" = 1, "a30" = 1, "a31" = 1,
  "a32" = 1, "a33" = 1, "a34" = 1, "a35" = 1, "a36" = 1, "a37" = 1,
  "a38" = 1, "a39" = 1, "a40" = 1, "a41" = 1, "a42" = 1, "a43" = 1,
  "a44" = 1, "a45" = 1, "a46" = 1, "a47" = 1, "a48" = 1, "a49" = 1,
  "a50" = 1, "a51" = 1, "a52" = 1, "a53" = 1, "a54" = 1, "a55" = 1,
  "a56" = 1, "a57" = 1, "a58" = 1, "a59" = 1, "a60" = 1, "a61" = 1,
  "a62" = 1, "a63" = 1, "a64" = 1, "a65" = 1, "a66" = 1, "a67" = 1,
  "a68" = 1, "a69" = 2])

// -----

// expected-error @+1 {{'seqpar.grid' op has 1 axis names but 2 axis sizes}}
"seqpar.grid"() <{sym_name = "g", axis_names = ["a"], shape = array<i64: 2, 2>}> : () -> ()

//===----------------------------------------------------------------------===//
// Groups
//===----------------------------------------------------------------------===//

// -----

func.func @unknown_grid(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op @nope does not name a seqpar.grid}}
  %0 = seqpar.split %x on @nope["a"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

func.func @not_a_grid(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op @not_a_grid does not name a seqpar.grid}}
  %0 = seqpar.split %x on @not_a_grid["a"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @unknown_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op grid @g has no axis "b"}}
  %0 = seqpar.split %x on @g["b"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4, "b" = 2])
func.func @duplicate_axis(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op group lists axis "a" more than once}}
  %0 = seqpar.split %x on @g["a", "b", "a"] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

// The repeated axis is reported locally, before the group size, whose product
// would overflow int64.
seqpar.grid @g(axes = ["a" = 2147483647])
func.func @duplicate_axis_of_large_grid(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op group lists axis "a" more than once}}
  %0 = seqpar.split %x on @g["a", "a", "a"] dim 0 : tensor<8xf32> -> tensor<?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @no_axes(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op expected at least one grid axis}}
  %0 = seqpar.split %x on @g[] dim 0 : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 512, "b" = 256])
func.func @group_too_large(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.split' op invalid group of grid @g: group of 131072 ranks exceeds the supported maximum of 65536}}
  %0 = seqpar.split %x on @g["a", "b"] dim 0 : tensor<8xf32> -> tensor<?xf32>
  return
}

//===----------------------------------------------------------------------===//
// Tensor types and dims
//===----------------------------------------------------------------------===//

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @rank_too_high(%x: tensor<1x1x1x1x1x1x2xf32>) {
  // expected-error @+1 {{'seqpar.split' op input rank 7 is outside 1..6}}
  %0 = seqpar.split %x on @g["a"] dim 6
      : tensor<1x1x1x1x1x1x2xf32> -> tensor<1x1x1x1x1x1x1xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @rank_zero(%x: tensor<f32>) {
  // expected-error @+1 {{'seqpar.exchange_lengths' op input rank 0 is outside 1..6}}
  %0 = seqpar.exchange_lengths %x on @g["a"] dim 0 : tensor<f32> -> tensor<2xi64>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @element_type(%x: tensor<4xf8E4M3FN>) {
  // expected-error @+1 {{'seqpar.zigzag_split' op element type 'f8E4M3FN' is not one of f64, f32, f16, bf16, i64, i32, i8, i1}}
  %0 = seqpar.zigzag_split %x on @g["a"] dim 0 : tensor<4xf8E4M3FN> -> tensor<2xf8E4M3FN>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @result_rank(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'seqpar.gather' op result rank 1 differs from input rank 2}}
  %0 = seqpar.gather %x on @g["a"] dim 0 : tensor<4x4xf32> -> tensor<32xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @result_element_type(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'seqpar.gather' op result element type 'f16' differs from input element type 'f32'}}
  %0 = seqpar.gather %x on @g["a"] dim 0 : tensor<4x4xf32> -> tensor<8x4xf16>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @dim_out_of_range(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'seqpar.packed_split' op dim 2 is out of range for a tensor of rank 2}}
  %0 = seqpar.packed_split %x on @g["a"] dim 2 seq_lens [4]
      : tensor<4x4xf32> -> tensor<4x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @negative_dim(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_split' op dim -1 is out of range for a tensor of rank 2}}
  %0 = seqpar.hybrid_split %x on @g ring "a" ulysses "b" dim -1
      : tensor<4x4xf32> -> tensor<4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// exchange_lengths and all_to_all
//===----------------------------------------------------------------------===//

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_count(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'seqpar.exchange_lengths' op expected result shape 4, got 2}}
  %0 = seqpar.exchange_lengths %x on @g["a"] dim 0 : tensor<?x8xf32> -> tensor<2xi64>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_type(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'seqpar.exchange_lengths' op result #0 must be 1D tensor of 64-bit signless integer values}}
  %0 = seqpar.exchange_lengths %x on @g["a"] dim 0 : tensor<?x8xf32> -> tensor<4xi32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @scatter_dim_range(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op scatter dim 2 is out of range for a tensor of rank 2}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 2 gather 0
      : tensor<8x8xf32> -> tensor<8x8xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_dim_range(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather dim -1 is out of range for a tensor of rank 2}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather -1
      : tensor<8x8xf32> -> tensor<8x8xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @same_dims(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op scatter dim and gather dim are both 1}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 1
      : tensor<8x8xf32> -> tensor<8x8xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @negative_gather_size(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather_size -4 is negative}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size -4
      : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_size_and_lengths(%x: tensor<?x8xf32>, %l: tensor<4xi64>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather_size and gather_lengths are mutually exclusive}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 8
      gather_lengths(%l : tensor<4xi64>) : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @static_and_dynamic_gather_size(%x: tensor<?x8xf32>, %n: index) {
  // expected-error @+1 {{'seqpar.all_to_all' op a static and a dynamic gather_size are mutually exclusive}}
  %0 = "seqpar.all_to_all"(%x, %n) <{grid = @g, axes = ["a"], scatter_dim = 1 : i64,
      gather_dim = 0 : i64, gather_size = 8 : i64,
      operandSegmentSizes = array<i32: 1, 1, 0, 0>}>
      : (tensor<?x8xf32>, index) -> tensor<?x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @zero_slots(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op scatter slots must be at least 1, got 0}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 slots 0 gather 1
      : tensor<2x8xf32> -> tensor<1x32xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @negative_slots(%x: tensor<8x1xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather slots must be at least 1, got -1}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1 slots -1
      gather_size 2 : tensor<8x1xf32> -> tensor<2x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @slots_and_lengths(%x: tensor<2x8xf32>, %l: tensor<4xi64>) {
  // expected-error @+1 {{'seqpar.all_to_all' op scatter slots and scatter_lengths are mutually exclusive}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 slots 4 gather 1
      scatter_lengths(%l : tensor<4xi64>) : tensor<2x8xf32> -> tensor<?x32xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_slots_and_lengths(%x: tensor<1x?xf32>, %l: tensor<4xi64>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather slots and gather_lengths are mutually exclusive}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 slots 4
      gather_lengths(%l : tensor<4xi64>) : tensor<1x?xf32> -> tensor<?x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @slots_on_both(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op replicates its scatter dim or its gather dim (slots), not both}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 slots 4 gather 1 slots 4
      gather_size 2 : tensor<2x8xf32> -> tensor<1x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_slots_without_size(%x: tensor<8x1xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gathers replicated blocks (slots) and needs gather_size, the gathered length}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1 slots 4
      : tensor<8x1xf32> -> tensor<2x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @slots_result_shape(%x: tensor<3x8xf32>) {
  // 3 entries over 4 slots: ranks get 1, 2, 2 and 1 entries.
  // expected-error @+1 {{'seqpar.all_to_all' op expected result shape ?x32, got 1x32}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 slots 4 gather 1
      : tensor<3x8xf32> -> tensor<1x32xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @slots_gather_piece(%x: tensor<8x2xf32>) {
  // Every rank holds one of the 2 entries, not 2.
  // expected-error @+1 {{'seqpar.all_to_all' op input dim 1 has size 2 but every rank holds 1}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1 slots 4
      gather_size 2 : tensor<8x2xf32> -> tensor<2x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @slots_overflow(%x: tensor<288230376151711744x1xi8>) {
  // expected-error @+1 {{'seqpar.all_to_all' op scatter dim 0: 64 slots times the length 288230376151711744 overflows int64}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 slots 64 gather 1
      : tensor<288230376151711744x1xi8> -> tensor<?x4xi8>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @slots_lowering_attr(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'seqpar.lowering' is not valid on an all_to_all with slots: its replicated blocks always take the runtime's plan}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 slots 4 gather 1
      {seqpar.lowering = #seqpar.lowering<equal>}
      : tensor<2x8xf32> -> tensor<1x32xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_per_rank(%x: tensor<?x8xf32>, %l: tensor<3xi64>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather_lengths must hold one length per rank: expected 'tensor<4xi64>', got 'tensor<3xi64>'}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      gather_lengths(%l : tensor<3xi64>) : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lengths_element_type(%x: tensor<?x8xf32>, %l: tensor<4xi32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op operand #1 must be 1D tensor of 64-bit signless integer values}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1
      scatter_lengths(%l : tensor<4xi32>) : tensor<?x8xf32> -> tensor<?x32xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @result_shape_scatter(%x: tensor<3x10xf32>) {
  // 10 over 4 ranks is 3, 3, 2, 2: the scatter dim must be dynamic.
  // expected-error @+1 {{'seqpar.all_to_all' op expected result shape 12x?, got 12x3}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      : tensor<3x10xf32> -> tensor<12x3xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @uneven_static_gather_piece(%x: tensor<3x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op input dim 0 has static size 3 but the ranks hold [3, 3, 2, 2], so it must be dynamic}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 10
      : tensor<3x8xf32> -> tensor<10x2xf32>
  return
}

// -----

// Long per-rank lists keep their first and last eight entries.
seqpar.grid @g(axes = ["a" = 20])
func.func @uneven_static_gather_piece_large_group(%x: tensor<1x40xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op input dim 0 has static size 1 but the ranks hold [2, 1, 1, 1, 1, 1, 1, 1, ..., 1, 1, 1, 1, 1, 1, 1, 1] (20 entries), so it must be dynamic}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 21
      : tensor<1x40xf32> -> tensor<21x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @wrong_static_gather_piece(%x: tensor<2x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op input dim 0 has size 2 but every rank holds 3}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0 gather_size 12
      : tensor<2x8xf32> -> tensor<12x2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_overflow(%x: tensor<4611686018427387904x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op the input shape [4611686018427387904, 8] has more than 2^59 elements}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      : tensor<4611686018427387904x8xf32> -> tensor<?x2xf32>
  return
}

// -----

// The gathered length of a dim near 2^58 over 65536 ranks does not fit int64.
seqpar.grid @g(axes = ["a" = 65536])
func.func @all_to_all_gather_overflow(%x: tensor<288230376151711744x?xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op gather dim 0: size 288230376151711744 times 65536 ranks overflows int64}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      : tensor<288230376151711744x?xf32> -> tensor<?x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @all_to_all_output_too_large(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'seqpar.all_to_all' op the output shape [9223372036854775807, 2] has more than 2^59 elements}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 1 gather 0
      gather_size 9223372036854775807
      : tensor<?x8xf32> -> tensor<9223372036854775807x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// split and gather
//===----------------------------------------------------------------------===//

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @split_result_shape(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{'seqpar.split' op expected result shape 2x?, got 2x3}}
  %0 = seqpar.split %x on @g["a"] dim 1 : tensor<2x10xf32> -> tensor<2x3xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_count(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{'seqpar.split' op dim 1: expected 4 sizes (one per rank) but got 3 [4, 3, 3]}}
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [4, 3, 3]
      : tensor<2x10xf32> -> tensor<2x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_sum(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{'seqpar.split' op dim 1: sizes [3, 3, 3, 3] sum to 12 but the dim has size 10}}
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [3, 3, 3, 3]
      : tensor<2x10xf32> -> tensor<2x3xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_negative(%x: tensor<2x?xf32>) {
  // expected-error @+1 {{'seqpar.split' op dim 1: sizes [5, 5, -1, 1] contain a negative size -1}}
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [5, 5, -1, 1]
      : tensor<2x?xf32> -> tensor<2x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @split_sizes_overflow(%x: tensor<2x?xf32>) {
  // expected-error @+1 {{'seqpar.split' op dim 1: sizes [9223372036854775807, 1, 0, 0] overflow int64 when summed}}
  %0 = seqpar.split %x on @g["a"] dim 1 sizes [9223372036854775807, 1, 0, 0]
      : tensor<2x?xf32> -> tensor<2x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_sizes_and_gather_size(%x: tensor<2x?xf32>) {
  // expected-error @+1 {{'seqpar.gather' op sizes and gather_size are mutually exclusive}}
  %0 = seqpar.gather %x on @g["a"] dim 1 sizes [3, 3, 2, 2] gather_size 10
      : tensor<2x?xf32> -> tensor<2x10xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_static_uneven(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'seqpar.gather' op input dim 1 has static size 3 but the ranks hold [3, 3, 2, 2], so it must be dynamic}}
  %0 = seqpar.gather %x on @g["a"] dim 1 sizes [3, 3, 2, 2]
      : tensor<2x3xf32> -> tensor<2x10xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_result_shape(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'seqpar.gather' op expected result shape 2x12, got 2x?}}
  %0 = seqpar.gather %x on @g["a"] dim 1 : tensor<2x3xf32> -> tensor<2x?xf32>
  return
}

//===----------------------------------------------------------------------===//
// zigzag and packed
//===----------------------------------------------------------------------===//

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @zigzag_length(%x: tensor<2x12xf32>) {
  // expected-error @+1 {{'seqpar.zigzag_split' op dim 1: zigzag length 12 is not a multiple of 2 * 4 = 8}}
  %0 = seqpar.zigzag_split %x on @g["a"] dim 1 : tensor<2x12xf32> -> tensor<2x3xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @zigzag_gather_odd(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'seqpar.zigzag_gather' op dim 1: input size 3 gathers to 12: zigzag length 12 is not a multiple of 2 * 4 = 8}}
  %0 = seqpar.zigzag_gather %x on @g["a"] dim 1 : tensor<2x3xf32> -> tensor<2x12xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @zigzag_result_shape(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'seqpar.zigzag_split' op expected result shape 2x4, got 2x?}}
  %0 = seqpar.zigzag_split %x on @g["a"] dim 1 : tensor<2x16xf32> -> tensor<2x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @seq_lens_sum(%x: tensor<10x4xf32>) {
  // expected-error @+1 {{'seqpar.packed_split' op dim 0: sequence lengths [5, 4] sum to 9 but the dim has size 10}}
  %0 = seqpar.packed_split %x on @g["a"] dim 0 seq_lens [5, 4]
      : tensor<10x4xf32> -> tensor<?x4xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @seq_lens_negative(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'seqpar.packed_gather' op dim 0: sequence lengths [5, -1] contain a negative length -1}}
  %0 = seqpar.packed_gather %x on @g["a"] dim 0 seq_lens [5, -1]
      : tensor<?x4xf32> -> tensor<4x4xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @seq_lens_overflow(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'seqpar.packed_split' op dim 0: sequence lengths [9223372036854775807, 9223372036854775807] overflow int64 when summed}}
  %0 = seqpar.packed_split %x on @g["a"] dim 0
      seq_lens [9223372036854775807, 9223372036854775807]
      : tensor<?x4xf32> -> tensor<?x4xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @packed_result_shape(%x: tensor<9x4xf32>) {
  // expected-error @+1 {{'seqpar.packed_split' op expected result shape ?x4, got 5x4}}
  %0 = seqpar.packed_split %x on @g["a"] dim 0 seq_lens [5, 4]
      : tensor<9x4xf32> -> tensor<5x4xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 2])
func.func @packed_gather_static_uneven(%x: tensor<5x4xf32>) {
  // expected-error @+1 {{'seqpar.packed_gather' op input dim 0 has static size 5 but the ranks hold [5, 4], so it must be dynamic}}
  %0 = seqpar.packed_gather %x on @g["a"] dim 0 seq_lens [5, 4]
      : tensor<5x4xf32> -> tensor<9x4xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 65536])
func.func @gather_overflow(%x: tensor<288230376151711744xf32>) {
  // expected-error @+1 {{'seqpar.gather' op dim 0: size 288230376151711744 times 65536 ranks overflows int64}}
  %0 = seqpar.gather %x on @g["a"] dim 0
      : tensor<288230376151711744xf32> -> tensor<?xf32>
  return
}

// -----

// Two pieces of 2^62 sum past int64.
seqpar.grid @g(axes = ["a" = 2])
func.func @gather_sizes_overflow(%x: tensor<?x?xf32>) {
  // expected-error @+1 {{'seqpar.gather' op dim 0: sizes [4611686018427387904, 4611686018427387904] overflow int64 when summed}}
  %0 = seqpar.gather %x on @g["a"] dim 0
      sizes [4611686018427387904, 4611686018427387904]
      : tensor<?x?xf32> -> tensor<?x?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_size_too_large(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'seqpar.gather' op the output shape [4611686018427387904, 8] has more than 2^59 elements}}
  %0 = seqpar.gather %x on @g["a"] dim 0 gather_size 4611686018427387904
      : tensor<?x8xf32> -> tensor<4611686018427387904x8xf32>
  return
}

//===----------------------------------------------------------------------===//
// Hybrid
//===----------------------------------------------------------------------===//

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_same_axis(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_split' op group lists axis "ring" more than once}}
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ring" dim 1
      : tensor<2x16xf32> -> tensor<2x4xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_unknown_axis(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_split' op grid @cp has no axis "sp"}}
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "sp" dim 1
      : tensor<2x16xf32> -> tensor<2x2xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_zigzag(%x: tensor<2x18xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_split' op dim 1: zigzag length 18 is not a multiple of 2 * 2 = 4}}
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x18xf32> -> tensor<2x?xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_split_result(%x: tensor<2x20xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_split' op expected result shape 2x?, got 2x3}}
  %0 = seqpar.hybrid_split %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x20xf32> -> tensor<2x3xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_gather_size_zigzag(%x: tensor<2x?xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_gather' op dim 1: zigzag length 18 is not a multiple of 2 * 2 = 4}}
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 18 : tensor<2x?xf32> -> tensor<2x18xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 3, "ulysses" = 1])
func.func @hybrid_gather_default_zigzag(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_gather' op dim 1: input size 3 gathers to 9: zigzag length 9 is not a multiple of 2 * 3 = 6}}
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      : tensor<2x3xf32> -> tensor<2x9xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_gather_negative(%x: tensor<2x?xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_gather' op gather_size -8 is negative}}
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size -8 : tensor<2x?xf32> -> tensor<2x?xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_gather_piece(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_gather' op input dim 1 has static size 3 but the ranks hold [3, 3, 2, 2, 3, 3, 2, 2], so it must be dynamic}}
  %0 = seqpar.hybrid_gather %x on @cp ring "ring" ulysses "ulysses" dim 1
      gather_size 20 : tensor<2x3xf32> -> tensor<2x20xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_packed_sum(%x: tensor<25x4xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_packed_split' op dim 0: sequence lengths [16, 8] sum to 24 but the dim has size 25}}
  %0 = seqpar.hybrid_packed_split %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<25x4xf32> -> tensor<3x4xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_packed_gather_piece(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_packed_gather' op input dim 0 has size 4 but every rank holds 3}}
  %0 = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<4x4xf32> -> tensor<24x4xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
func.func @hybrid_packed_gather_result(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'seqpar.hybrid_packed_gather' op expected result shape 24x4, got 25x4}}
  %0 = seqpar.hybrid_packed_gather %x on @cp ring "ring" ulysses "ulysses"
      dim 0 seq_lens [16, 8] : tensor<3x4xf32> -> tensor<25x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// Custom syntax
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{custom op 'seqpar.grid' expected an axis as "name" = size}}
seqpar.grid @g(axes = [ring = 2])

// -----

// expected-error @+1 {{custom op 'seqpar.grid' expected the size of axis "ring"}}
seqpar.grid @g(axes = ["ring" = two])

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @gather_size_syntax(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{custom op 'seqpar.all_to_all' expected a gather size: an integer or an index value}}
  %0 = seqpar.all_to_all %x on @g["a"] scatter 0 gather 1 gather_size "ten"
      : tensor<8x8xf32> -> tensor<2x32xf32>
  return
}

//===----------------------------------------------------------------------===//
// The lowering attribute
//===----------------------------------------------------------------------===//

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_not_enum(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.lowering' must be a #seqpar.lowering attribute, got "equal"}}
  %0 = seqpar.split %x on @g["a"] dim 0 {seqpar.lowering = "equal"}
      : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_on_zigzag(%x: tensor<8xf32>) {
  // expected-error @+1 {{'seqpar.lowering' is only valid on seqpar.all_to_all, seqpar.split and seqpar.gather, not on 'seqpar.zigzag_split'}}
  %0 = seqpar.zigzag_split %x on @g["a"] dim 0
      {seqpar.lowering = #seqpar.lowering<equal>}
      : tensor<8xf32> -> tensor<2xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_contradicts_shapes(%x: tensor<10xf32>) {
  // expected-error @+1 {{'seqpar.split' op records the "equal" form in 'seqpar.lowering' but its static shapes give the "per_peer" form}}
  %0 = seqpar.split %x on @g["a"] dim 0
      {seqpar.lowering = #seqpar.lowering<equal>}
      : tensor<10xf32> -> tensor<?xf32>
  return
}

// -----

seqpar.grid @g(axes = ["a" = 4])
func.func @lowering_static_on_dynamic(%x: tensor<?xf32>) {
  // expected-error @+1 {{'seqpar.split' op records the "per_peer" form in 'seqpar.lowering' but its static shapes give the "runtime" form}}
  %0 = seqpar.split %x on @g["a"] dim 0
      {seqpar.lowering = #seqpar.lowering<per_peer>}
      : tensor<?xf32> -> tensor<?xf32>
  return
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_group_rank_unknown_axis() -> index {
  // expected-error @+1 {{'seqpar.group_rank' op grid @cp has no axis "dp"}}
  %r = seqpar.group_rank on @cp["dp"]
  return %r : index
}

// -----

func.func @negative_group_size_unknown_grid() -> index {
  // expected-error @+1 {{'seqpar.group_size' op @nowhere does not name a seqpar.grid}}
  %p = seqpar.group_size on @nowhere["x"]
  return %p : index
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_group_rank_repeated_axis() -> index {
  // expected-error @+1 {{'seqpar.group_rank' op group lists axis "ring" more than once}}
  %r = seqpar.group_rank on @cp["ring", "ring"]
  return %r : index
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_group_size_no_axes() -> index {
  // expected-error @+1 {{'seqpar.group_size' op expected at least one grid axis}}
  %p = seqpar.group_size on @cp[]
  return %p : index
}
// -----

//===----------------------------------------------------------------------===//
// #seqpar.sharding and seqpar.reshard

// expected-error @+1 {{dim 1: axis names must not be empty}}
func.func private @f() attributes {s = #seqpar.sharding<@cp, [{}, {""}]>}

// -----

// expected-error @+1 {{dim 0 lists axis "ring" twice}}
func.func private @f() attributes {s = #seqpar.sharding<@cp, [{"ring", "ring"}]>}

// -----

// expected-error @+1 {{axis "ring" splits dim 0 and dim 2; an axis splits at most one dim}}
func.func private @f() attributes {s = #seqpar.sharding<@cp, [{"ring"}, {}, {"ring"}]>}

// -----

// expected-error @+1 {{dim 0: entry 1 of the explicit sizes is -3, negative}}
func.func private @f() attributes {s = #seqpar.sharding<@cp, [{"ring" sizes [5, -3]}]>}

// -----

// expected-error @+1 {{dim 0: entry 0 of the packed sequences is -1, negative}}
func.func private @f() attributes {s = #seqpar.sharding<@cp, [{"ring" packed [-1]}]>}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_shape_rank(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'seqpar.reshard' op shape has 1 sizes but the input has rank 2}}
  %y = seqpar.reshard %x from <@cp, [{}, {}]> to <@cp, [{}, {}]> shape [8]
      : tensor<8x4xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_dynamic_shape(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'seqpar.reshard' op shape dim 0 is -1; a reshard needs every global size, static}}
  %y = seqpar.reshard %x from <@cp, [{}, {}]> to <@cp, [{}, {}]> shape [-1, 4]
      : tensor<?x4xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_sharding_rank(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the target sharding has 3 dims but the input has rank 2}}
  %y = seqpar.reshard %x from <@cp, [{}, {}]> to <@cp, [{}, {}, {}]> shape [8, 4]
      : tensor<8x4xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])
seqpar.grid @other(axes = ["ring" = 2])

func.func @negative_reshard_two_grids(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the source sharding is on @cp but the target on @other}}
  %y = seqpar.reshard %x from <@cp, [{}, {}]> to <@other, [{}, {}]> shape [8, 4]
      : tensor<8x4xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

func.func @negative_reshard_element_type(%x: tensor<8xui8>) -> tensor<8xui8> {
  // expected-error @+1 {{'seqpar.reshard' op element type 'ui8' is not one of f64, f32, f16, bf16, i64, i32, i8, i1}}
  %y = seqpar.reshard %x from <@cp, [{}]> to <@cp, [{}]> shape [8]
      : tensor<8xui8> -> tensor<8xui8>
  return %y : tensor<8xui8>
}

// -----

func.func @negative_reshard_unknown_grid(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'seqpar.reshard' op @cp does not name a seqpar.grid}}
  %y = seqpar.reshard %x from <@cp, [{}]> to <@cp, [{}]> shape [8]
      : tensor<8xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_unknown_axis(%x: tensor<8xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the target sharding #seqpar.sharding<@cp, [{"tp"}]>: grid @cp has no axis "tp"}}
  %y = seqpar.reshard %x from <@cp, [{}]> to <@cp, [{"tp"}]> shape [8]
      : tensor<8xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_zigzag_length(%x: tensor<6xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the target sharding #seqpar.sharding<@cp, [{"ring" zigzag}]>: dim 0: zigzag length 6 is not a multiple of 2 * 2 = 4}}
  %y = seqpar.reshard %x from <@cp, [{}]> to <@cp, [{"ring" zigzag}]> shape [6]
      : tensor<6xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_sizes_count(%x: tensor<6xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the source sharding #seqpar.sharding<@cp, [{"ulysses" sizes [3, 3]}]>: dim 0: expected 4 sizes (one per rank) but got 2 [3, 3]}}
  %y = seqpar.reshard %x from <@cp, [{"ulysses" sizes [3, 3]}]> to <@cp, [{}]> shape [6]
      : tensor<6xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_packed_sum(%x: tensor<?xf32>) -> tensor<6xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the source sharding #seqpar.sharding<@cp, [{"ring" packed [4, 1]}]>: dim 0: sequence lengths [4, 1] sum to 5 but the dim has size 6}}
  %y = seqpar.reshard %x from <@cp, [{"ring" packed [4, 1]}]> to <@cp, [{}]> shape [6]
      : tensor<?xf32> -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

seqpar.grid @big(axes = ["a" = 256, "b" = 257])

func.func @negative_reshard_grid_too_large(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'seqpar.reshard' op the source sharding #seqpar.sharding<@big, [{}]>: the grid [256, 257] has 65792 ranks; a sharding's grid has at most 65536}}
  %y = seqpar.reshard %x from <@big, [{}]> to <@big, [{}]> shape [4]
      : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_input_uneven(%x: tensor<3xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'seqpar.reshard' op input dim 0 is 3, but its size differs between ranks under the source sharding}}
  %y = seqpar.reshard %x from <@cp, [{"ring"}]> to <@cp, [{}]> shape [5]
      : tensor<3xf32> -> tensor<5xf32>
  return %y : tensor<5xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_input_size(%x: tensor<3xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'seqpar.reshard' op input dim 0 is 3, but every rank holds 4 under the source sharding}}
  %y = seqpar.reshard %x from <@cp, [{"ring"}]> to <@cp, [{}]> shape [8]
      : tensor<3xf32> -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_result(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'seqpar.reshard' op expected result shape 8x1, got 8x4}}
  %y = seqpar.reshard %x from <@cp, [{}, {}]> to <@cp, [{}, {"ulysses"}]> shape [8, 4]
      : tensor<8x4xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

seqpar.grid @cp(axes = ["ring" = 2, "ulysses" = 4])

func.func @negative_reshard_result_dynamic(%x: tensor<5xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'seqpar.reshard' op expected result shape ?, got 3}}
  %y = seqpar.reshard %x from <@cp, [{}]> to <@cp, [{"ring"}]> shape [5]
      : tensor<5xf32> -> tensor<3xf32>
  return %y : tensor<3xf32>
}
