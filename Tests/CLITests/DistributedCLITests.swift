import Foundation
import Testing

/// `--distributed` outside an MPI job (issue 26): a build without MPI, or a process not started
/// by mpirun/srun, says what to do, exits non-zero and writes nothing; commands whose data fit
/// one machine refuse the flag. (The MPI runs themselves are CI's `mpi` stage.)
@Suite struct DistributedCLITests {
    typealias C = CommandLineCLITests

    @Test func distributedWithoutALauncherOrMPIExplainsWhatToDo() throws {
        let d = try CLI.corpusFolder("distributed")
        // Built without the MPI trait: "built with MPI … --traits MPI"; with it but started
        // without mpirun: "started by an MPI launcher". Both show the mpirun command line.
        try C.refuses(["train", "a.txt", "--distributed", "--output", "run"] + C.small, in: d,
                      mentioning: ["--distributed", "mpirun -np 2", "docs/distributed.md"])
        let r = try CLI.run(["train", "a.txt", "--distributed", "--output", "run"] + C.small, in: d)
        #expect(r.stderr.contains("--traits MPI") || r.stderr.contains("started by an MPI launcher"), "\(r.stderr)")
        try C.refuses(["train", "a.txt", "--distributed", "--distributed-timeout", "0"], in: d,
                      mentioning: ["--distributed-timeout"])
        try C.refuses(["train", "a.txt", "--distributed", "--allreduce", "ring"], in: d,
                      mentioning: ["--allreduce", "overlap", "blocking"])
    }

    @Test func commandsThatFitOneMachineRefuseDistributed() throws {
        let d = try CLI.temporaryDirectory("distributed-refused")
        for arguments in [["forecast", "train", "co2.csv", "--distributed"], ["experiment", "adding", "--distributed"]] {
            try C.refuses(arguments, in: d, mentioning: ["--distributed is only for 'recurrent train'", "leave out --distributed"])
        }
    }
}
