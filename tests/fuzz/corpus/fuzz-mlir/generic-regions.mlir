#loc0 = loc("model.py":3:1)
"builtin.module"() ({
  "func.func"() ({
  ^bb0(%arg0: tensor<4xf32> loc("x"), %arg1: tensor<f32>):
    %0 = "stablehlo.reduce"(%arg0, %arg1) ({
    ^bb0(%a: tensor<f32>, %b: tensor<f32>):
      %1 = "stablehlo.add"(%a, %b) : (tensor<f32>, tensor<f32>) -> tensor<f32> loc(callsite("inner.py":1:2 at callsite("mid.py":5:6 at #loc0)))
      "stablehlo.return"(%1) : (tensor<f32>) -> ()
    }) {dimensions = array<i64: 0>} : (tensor<4xf32>, tensor<f32>) -> tensor<f32>
    %2:2 = "stablehlo.sort"(%arg0, %arg0) ({
    ^bb0(%p: tensor<f32>, %q: tensor<f32>, %r: tensor<f32>, %s: tensor<f32>):
      %3 = stablehlo.compare GT, %p, %q : (tensor<f32>, tensor<f32>) -> tensor<i1>
      stablehlo.return %3 : tensor<i1>
    }) : (tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
    "func.return"(%0, %2#1) : (tensor<f32>, tensor<4xf32>) -> ()
  }) {sym_name = "main", function_type = (tensor<4xf32>, tensor<f32>) -> tensor<f32>} : () -> ()
}) : () -> ()
