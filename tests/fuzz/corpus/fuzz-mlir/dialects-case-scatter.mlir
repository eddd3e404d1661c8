// Unknown dialects, case and scatter regions, fused and ranged locations, file metadata.
module @jit_g attributes {mhlo.frontend_attributes = {xla.sdy.meshes = "{mesh = #sdy.mesh<[\22a\22=1]>}"}} {
  sdy.mesh @mesh = <["a"=1]>
  func.func public @main(%arg0: tensor<i32> loc("i"), %arg1: tensor<8xf32> loc("operands[1]")) -> tensor<8xf32> {
    %0 = "stablehlo.case"(%arg0) ({
      %1 = stablehlo.negate %arg1 : tensor<8xf32> loc(fused<"pass">["jit(g)/jit(main)/cond/branch_0_fun/neg", "g.py":10:3 to :9])
      stablehlo.return %1 : tensor<8xf32>
    }, {
      stablehlo.return %arg1 : tensor<8xf32>
    }) : (tensor<i32>) -> tensor<8xf32> loc("jit(g)/jit(main)/cond")
    %idx = stablehlo.constant dense<[[1]]> : tensor<1x1xi32>
    %2 = "stablehlo.scatter"(%0, %idx, %0) <{scatter_dimension_numbers = #stablehlo.scatter<inserted_window_dims = [0], scatter_dims_to_operand_dims = [0], index_vector_dim = 1>}> ({
    ^bb0(%x: tensor<f32>, %y: tensor<f32>):
      stablehlo.return %y : tensor<f32>
    }) : (tensor<8xf32>, tensor<1x1xi32>, tensor<8xf32>) -> tensor<8xf32>
    %3 = tt.load %2 {cache = 1 : i32} : tensor<8xf32> loc(unknown)
    %4 = mosaic_gpu.custom %3, %3 : tensor<8xf32>
    return %4 : tensor<8xf32>
  }
}
{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000"
    }
  }
#-}
