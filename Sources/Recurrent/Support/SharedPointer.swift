/// A raw pointer handed to the tasks of `ThreadPool.parallelFor`, which runs them on several
/// threads. Each task must touch only its own part of the memory (disjoint rows or indices);
/// the pool returns only when every task is done, so the memory outlives them.
struct SharedPointer<Pointee>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Pointee>

    init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
    init(_ base: UnsafePointer<Pointee>) { self.base = UnsafeMutablePointer(mutating: base) }

    subscript(i: Int) -> Pointee {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}
