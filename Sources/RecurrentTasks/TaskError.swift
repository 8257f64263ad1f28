/// Errors from building a task: bad options or missing data. Each message names the value or
/// file and says what to do.
public enum TaskError: Error, Equatable, CustomStringConvertible {
    /// No task has this name.
    case unknownTask(String, known: [String])
    /// An option outside the range the task's definition allows.
    case invalidOption(task: String, option: String, message: String)
    /// The digits file is not where it should be.
    case missingData(path: String, hint: String)
    /// The digits file exists but a row is malformed.
    case malformedData(path: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .unknownTask(let name, let known):
            "unknown task '\(name)'; the tasks are: \(known.joined(separator: ", ")) (see `recurrent experiment --list`)"
        case .invalidOption(let task, let option, let message):
            "\(task): \(option) \(message)"
        case .missingData(let path, let hint):
            "data file not found: \(path). \(hint)"
        case .malformedData(let path, let line, let message):
            "\(path), line \(line): \(message). Check the file (the bundled copy: `recurrent data path digits.csv`)."
        }
    }
}
