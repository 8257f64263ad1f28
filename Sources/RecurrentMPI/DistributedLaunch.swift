import Foundation
import Recurrent

/// How `recurrent train --distributed` joins the other processes of its job.
///
/// Built with the `MPI` package trait (`swift build --traits MPI`, which needs Open MPI's
/// `ompi-c` pkg-config module), it joins the MPI job that `mpirun` or `srun` started; built
/// without it, or started without a launcher, it throws a `DistributedLaunchError` that says
/// what to do. Only this module knows MPI.
public enum DistributedLaunch {
    /// Whether this build can train over MPI.
    public static var isAvailable: Bool {
        #if MPI
        true
        #else
        false
        #endif
    }

    /// The launcher that started this process, read from the variables it sets (nil: none).
    /// Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMIx launchers (srun --mpi=pmix, Open MPI)
    /// PMIX_RANK; PMI-1/2 launchers (srun --mpi=pmi2, MPICH's Hydra) PMI_RANK or PMI_SIZE.
    public static func launcher(in environment: [String: String]) -> String? {
        if environment["OMPI_COMM_WORLD_SIZE"] != nil { return "mpirun (Open MPI)" }
        if environment["PMIX_RANK"] != nil { return "a PMIx launcher" }
        if environment["PMI_RANK"] != nil || environment["PMI_SIZE"] != nil { return "a PMI launcher" }
        return nil
    }

    /// Joins the job: MPI is initialised and this process's rank and the job's size are known.
    /// `timeout` bounds how long a collective may wait for the other ranks.
    public static func join(timeout: Double,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(DistributedLaunchError) -> MPIGroup {
        #if MPI
        guard launcher(in: environment) != nil else { throw .noLauncher }
        return try MPIGroup(timeout: timeout)
        #else
        throw .builtWithoutMPI
        #endif
    }
}

/// Why `--distributed` cannot start, and what to do.
public enum DistributedLaunchError: Error, Equatable, Sendable, CustomStringConvertible {
    case builtWithoutMPI
    case noLauncher
    case initialization(String)

    public var description: String {
        switch self {
        case .builtWithoutMPI:
            return "--distributed needs a recurrent built with MPI, and this one was built without it. "
                + "Install Open MPI (Debian/Ubuntu: apt-get install libopenmpi-dev openmpi-bin), build with "
                + "'swift build -c release --traits MPI', and start the processes with mpirun: "
                + "mpirun -np 2 .build/release/recurrent train CORPUS --distributed (see docs/distributed.md). "
                + "Without --distributed it trains in this one process."
        case .noLauncher:
            return "--distributed must be started by an MPI launcher, which starts every process and tells each its rank: "
                + "mpirun -np 2 recurrent train CORPUS --distributed (add --oversubscribe for more processes than cores, "
                + "--allow-run-as-root as root), or srun under Slurm (see docs/distributed.md). "
                + "Without --distributed it trains in this one process."
        case .initialization(let reason):
            return "MPI could not start: \(reason)"
        }
    }
}
