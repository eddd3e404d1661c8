// jax.jit(f).lower(x).as_text(debug_info=True), trimmed
#loc1 = loc("prog.py":12:5)
#loc2 = loc("jit(f)/jit(main)/dense/dot_general[precision=None]"(#loc1))
module @jit_f attributes {mhlo.num_partitions = 1 : i32} {
  func.func public @main(%arg0: tensor<2xf32> {mhlo.layout_mode = "default"} loc("x")) -> (tensor<2xf32>) {
    %0 = stablehlo.multiply %arg0, %arg0 : tensor<2xf32> loc(#loc2)
    %1 = stablehlo.add %0, %arg0 : tensor<2xf32> loc(#loc3)
    %2:2 = "tt.fancy_op"(%1) : (tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) loc(fused["tt", "kernel.py":7:1])
    %3 = call @helper(%2#1) : (tensor<2xf32>) -> tensor<2xf32> loc(#loc)
    return %3 : tensor<2xf32> loc(#loc)
  } loc(#loc)
  func.func private @helper(%arg0: tensor<2xf32>) -> tensor<2xf32> {
    %c = stablehlo.constant dense<0> : tensor<i64>
    %0:2 = stablehlo.while(%iterArg = %arg0, %iterArg_0 = %c) : tensor<2xf32>, tensor<i64>
     cond {
      %1 = stablehlo.compare  LT, %iterArg_0, %c,  SIGNED : (tensor<i64>, tensor<i64>) -> tensor<i1>
      stablehlo.return %1 : tensor<i1>
    } do {
      %1 = stablehlo.negate %iterArg : tensor<2xf32>
      stablehlo.return %1, %iterArg_0 : tensor<2xf32>, tensor<i64>
    }
    return %0#0 : tensor<2xf32>
  }
} loc(#loc)
#loc = loc(unknown)
#loc3 = loc(callsite("jit(f)/jit(main)/add"("lib.py":3:9) at "prog.py":20:1))
