import Recurrent
import RecurrentText

extension TrainCommand {
    /// The folder this run writes checkpoints to, picked as ``TextTrainingSession`` picks it
    /// (--output; else the resumed checkpoint's folder; else `checkpoints/<corpus name>`), and
    /// the resumed checkpoint's folder. Known before the corpus is read, so a folder in use is
    /// refused at once.
    func runFolder() -> (output: String, resumed: String?) {
        let resumed = runOptions.resume.map {
            TextTrainingSession.parentDirectory(of: TextModel.resolve($0, preferring: [CheckpointDirectory.latestFileName]))
        }
        return (runOptions.output ?? resumed ?? TextTrainingSession.defaultOutputDirectory(for: corpus), resumed)
    }
}
