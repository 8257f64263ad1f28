import ArgumentParser
import Foundation
import Recurrent
import RecurrentMPI
import RecurrentText
#if canImport(Glibc)
import Glibc
#endif

/// `recurrent train --distributed`: one process of an MPI job (docs/distributed.md).
struct DistributedOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Train as one process of an MPI job: mpirun -np N recurrent train CORPUS --distributed.",
        discussion: "Each process computes its share of every batch of --batch-size streams and the gradients are summed; "
            + "rank 0 writes checkpoints and logs. Needs a build with MPI (swift build --traits MPI)."))
    var distributed = false

    @Option(name: .customLong("distributed-timeout"),
            help: "With --distributed: seconds a process waits for the others in one gradient sum before it stops the job.")
    var timeout: Double = 60

    @Option(name: .customLong("allreduce"),
            help: ArgumentHelp("With --distributed: how the gradients are summed: overlap or blocking. (default: overlap)",
                               discussion: "overlap starts the sum of each layer's gradients as soon as the backward pass has "
                                + "finished them (output layer, recurrent layers top to bottom, embedding last) and waits for all "
                                + "before clipping; blocking sums them all once after the backward pass. Both give the same result."))
    var allReduce: AllReduceMode = .overlap

    /// Testing aid: "R:S" makes rank R kill itself with SIGKILL after step S, as a crashed node
    /// would; "R:S:stop" stops it with SIGSTOP instead, as a hung node would.
    @Option(name: .customLong("kill-rank-after-step"), help: .hidden)
    var killRankAfterStep: String?

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--distributed-timeout must be a positive number of seconds, got \(timeout)") }
        if let text = killRankAfterStep, killPoint(text) == nil {
            throw ValidationError("--kill-rank-after-step takes RANK:STEP or RANK:STEP:stop, got '\(text)'")
        }
    }

    /// (rank, step, signal) of `--kill-rank-after-step`.
    func killPoint(_ text: String) -> (rank: Int, step: Int, signal: Int32)? {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 2 || (parts.count == 3 && parts[2] == "stop"),
              let rank = Int(parts[0]), let step = Int(parts[1]) else { return nil }
        return (rank, step, parts.count == 3 ? SIGSTOP : SIGKILL)
    }
}

extension TrainCommand {
    /// Runs `body` in this process alone, or under --distributed as one rank of the MPI job:
    /// rank 0 alone prints progress, and an error on any rank ends the whole job at once (the
    /// others may be waiting in a gradient sum), after it has been printed with the rank.
    func withDistribution(_ body: (MPIGroup?) throws -> Void) throws {
        guard distribution.distributed else { return try body(nil) }
        let group = try DistributedLaunch.join(timeout: distribution.timeout)
        Console.isQuiet = group.rank != 0
        do {
            try body(group)
        } catch let exit as ExitCode {
            group.finish()                   // an agreed stop (Ctrl-C): every rank is here
            throw exit
        } catch {
            let prefix = group.size > 1 && !(error is TrainingError) ? "rank \(group.rank) of \(group.size): " : ""
            FileHandle.standardError.write(Data("error: \(prefix)\(error)\n".utf8))
            group.abort(code: 1)
        }
        Console.message(String(format: "distributed: %d sums took %.2f s on rank 0 (waiting for the other processes included)",
                               group.sums, group.sumSeconds))
        group.finish()
    }

    /// The session of this rank: rank 0 reads the corpus into the token cache, the others map
    /// the cache once it is there (`TextTrainingSession.make(_:sharingTokensOver:)`). They wait
    /// for rank 0 as long as tokenizing takes — no `--distributed-timeout` here: a rank 0 that
    /// fails ends the job (`withDistribution`), and one that dies is seen by the launcher.
    func makeSession(_ options: TextTrainingOptions, group: MPIGroup) throws -> TextTrainingSession {
        let timeout = group.timeout
        group.timeout = .infinity
        defer { group.timeout = timeout }
        return try TextTrainingSession.make(options, sharingTokensOver: group)
    }

    /// Shares the batch out over `group` and says so (rank 0).
    func distribute(_ session: TextTrainingSession, over group: MPIGroup) throws {
        try session.trainer.distribute(over: group, mode: distribution.allReduce)
        let b = session.trainer.configuration.batchSize, n = group.size
        let shares = Set((0..<n).map { dataParallelStreams(rank: $0, size: n, batchSize: b).count }).sorted()
        let bytes = Double(session.trainer.allReduceBytesPerStep ?? 0)
        Console.message("distributed: \(n) processes (\(group.libraryVersion)), \(shares.map(String.init).joined(separator: " or ")) of the \(b) streams each"
            + (b % n == 0 ? "" : " (\(b) is not a multiple of \(n): shares weighted by their streams)")
            + String(format: ", %.1f MB summed per step", bytes / 1e6)
            + (distribution.allReduce == .overlap ? ", layer by layer during the backward pass" : ", after the backward pass"))
    }

    /// `distributed: gradients ready, …`: when each bucket of the sum became ready (mean ms from
    /// the start of a step) and its size, for the overlap projection in docs/distributed.md.
    func reportProfile(_ trainer: LanguageModelTrainer) {
        guard let p = trainer.dataParallelProfile, p.steps > 0 else { return }
        let parts = zip(p.bucketNames, zip(p.readySeconds, p.bucketBytes)).map { name, value in
            name + String(format: " %.1f ms (%.2f MB)", value.0 * 1000, Double(value.1) / 1e6)
        }
        Console.message("distributed: gradients ready, mean of \(p.steps) steps from the start of a step: "
            + parts.joined(separator: ", "))
    }

    /// The `--kill-rank-after-step` testing aid: this rank dies (or stops) after that step.
    func killIfAsked(_ event: TrainingEvent, rank: Int?) {
        guard let rank, let text = distribution.killRankAfterStep, let point = distribution.killPoint(text),
              point.rank == rank, case .step(let report) = event, report.step == point.step else { return }
        kill(getpid(), point.signal)
    }
}
