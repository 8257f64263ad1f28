// `import Recurrent` brings the math core with it: Matrix, gemm(), RandomGenerator, VectorMath.
@_exported import RecurrentKernels
