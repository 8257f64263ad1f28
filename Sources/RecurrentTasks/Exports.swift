// `import RecurrentTasks` brings the layers and training core with it (tasks hand out
// `Matrix` batches and take `RecurrentCellKind`s).
@_exported import Recurrent
