import Recurrent

/// The built-in corpus for `recurrent demo`: TV-script scenes written by a small stochastic
/// grammar, so the package needs no download.
///
/// A scene is a heading (`INT. JERRY'S APARTMENT - NIGHT`), a blank line, a stage direction
/// in brackets or parentheses, and lines of dialogue in `name: text` form, with more stage
/// directions between them; scenes are separated by a blank line. Speaker names and dialogue
/// are lower-case (as in the TV-script datasets this imitates), so the flagship prime
/// `"jerry:"` is in the corpus at both char and word level. Five characters each have their
/// own openers, lines and sign-offs, so a model can learn who says what as well as the format.
///
/// The text depends only on the seed and the size (xoshiro256** via `RandomGenerator`): the
/// same arguments give the same bytes on every platform.
public enum DemoCorpus {
    /// About 300 KB: enough for a small LSTM to learn the format in a minute.
    public static let defaultByteCount = 300_000
    /// The speakers, as they appear before the colon.
    public static let cast = ["jerry", "nora", "walt", "dex", "rosa"]
    /// The prime the demo generates from.
    public static let prime = "jerry:"

    /// Whole scenes until the text reaches at least `byteCount` UTF-8 bytes (it stops at the
    /// end of a scene, so it runs over by at most one scene).
    public static func generate(seed: UInt64 = 1, byteCount: Int = defaultByteCount) -> String {
        var writer = SceneWriter(seed: seed)
        var text = ""
        text.reserveCapacity(byteCount + 4096)
        while text.utf8.count < byteCount {
            if !text.isEmpty { text += "\n" }
            text += writer.scene()
        }
        return text
    }
}

/// The grammar. Templates contain slots in braces, filled at random:
/// `{topic}` a subject of the scene ("the parking spot"), `{thing}` an object, `{adj}` an
/// adjective, `{event}`, `{place}` a place in lower case, `{name}` another character present
/// (lower case, for dialogue), `{Name}` / `{Other}` two different characters present
/// (capitalised, for stage directions).
struct SceneWriter {
    private var rng: RandomGenerator

    init(seed: UInt64) { rng = RandomGenerator(seed: seed) }

    struct Voice {
        let name: String
        /// How often this character speaks, relative to the others.
        let weight: Float
        let openers: [String]
        let lines: [String]
        let closers: [String]
    }

    static let voices: [Voice] = [
        Voice(name: "jerry", weight: 1.6,
              openers: ["okay,", "so,", "you know,", "alright,", "hey,", "look,"],
              lines: ["what is the deal with {topic}?",
                      "who brings {thing} to {event}? who does that?",
                      "i'm not saying {topic} is bad. i'm saying it's {adj}.",
                      "that's the thing about {topic}. nobody asks for it.",
                      "you ever notice how {topic} is always {adj}?",
                      "i have a show tonight. i can't deal with {topic}.",
                      "so now i'm the bad guy because of {topic}?",
                      "this is exactly what i was talking about.",
                      "why would you tell her about {topic}?",
                      "i was in {place} for five minutes and somebody took {thing}."],
              closers: ["unbelievable.", "that's a shame.", "oh, come on.", "who does that?", "i'm just saying."]),
        Voice(name: "nora", weight: 1.2,
              openers: ["oh, please.", "okay, listen,", "{name},", "ugh,", "wait, wait,"],
              lines: ["get out! you did not say that about {topic}.",
                      "are you serious? {topic}?",
                      "i am not doing {topic} again, {name}.",
                      "that is so {adj}. i can't even look at you.",
                      "i told him it was over, and he brought up {topic}!",
                      "you know what your problem is? {topic}.",
                      "fine. but i'm keeping {thing}.",
                      "i went to {event} and everyone was talking about {topic}."],
              closers: ["get out!", "seriously.", "unbelievable.", "i'm leaving.", "whatever."]),
        Voice(name: "walt", weight: 1.1,
              openers: ["okay, okay,", "listen to me,", "you want to know something?", "alright, fine,"],
              lines: ["why does this always happen to me?",
                      "i'm telling you, {topic} is a conspiracy.",
                      "i can't go back to {place}, {name}! they know me there!",
                      "you know what i'm gonna do? nothing. that's what i'm gonna do.",
                      "this is a disaster. a complete disaster.",
                      "i had one thing. one thing! and it was {topic}.",
                      "she said i was {adj}. {adj}! me!",
                      "do you know how much i paid for {thing}?"],
              closers: ["i'm a dead man.", "it's over.", "why me?", "that's it, i'm done."]),
        Voice(name: "dex", weight: 0.9,
              openers: ["oh, buddy,", "{name}, {name},", "hey, hey, hey,", "listen,"],
              lines: ["i've got a plan. it involves {topic}.",
                      "trust me, {topic} is the future.",
                      "i know a guy who can get us {thing}.",
                      "you gotta see this. it's {adj}!",
                      "i'm going into business. {topic}, but bigger.",
                      "forget about {topic}. i've got something better.",
                      "i borrowed {thing}. i'll give it back. probably."],
              closers: ["yeah, yeah!", "oh, it's happening.", "trust me.", "i'm out of here."]),
        Voice(name: "rosa", weight: 0.6,
              openers: ["hey!", "excuse me,", "no, no, no,", "{name},"],
              lines: ["keep it down in there!",
                      "the rent is due on friday, {name}.",
                      "in my day we didn't have {topic}. we had work.",
                      "don't touch that. that's mine.",
                      "who parked in my spot? was it you?",
                      "i heard everything through the wall. everything.",
                      "i found {thing} in the hallway. is this yours?"],
              closers: ["that's all.", "i'm watching you.", "and wipe your feet.", "unbelievable."]),
    ]

    /// Lines anyone may say.
    static let sharedLines = [
        "i saw {name} at {place} with {thing}.",
        "{topic}? you want to talk about {topic}?",
        "so what did you say?",
        "what are you doing here?",
        "i can't believe you did that.",
        "you're kidding.",
        "that's not what happened.",
        "where did you get {thing}?",
        "i'm not going to {event}.",
        "he's coming up the stairs right now.",
        "no, no. it's fine. everything is fine.",
        "wait, what about {topic}?",
        "yes.", "no.", "what?", "hello.", "really?", "i know.",
    ]

    static let asides = ["(whispering)", "(sighs)", "(to {name})", "(laughing)", "(quietly)"]

    /// Where scenes happen, each with the stage directions that can open a scene there.
    static let places: [(interior: Bool, name: String, openings: [String])] = [
        (true, "JERRY'S APARTMENT", ["[{Name} is on the couch, eating cereal.]", "({Name} is looking in the fridge.)"]),
        (true, "THE COFFEE SHOP", ["[{Name} and {Other} are sitting at a booth.]", "({Name} waves at the waitress.)"]),
        (true, "WALT'S CAR", ["[{Name} is driving. {Other} is in the passenger seat.]"]),
        (true, "THE LAUNDROMAT", ["({Name} is folding laundry.)", "[{Name} and {Other} wait by the dryers.]"]),
        (true, "ROSA'S OFFICE", ["[{Name} sits behind a desk covered in papers.]"]),
        (true, "NORA'S APARTMENT", ["[{Name} paces back and forth.]", "({Name} and {Other} are on the couch.)"]),
        (true, "THE DRY CLEANER", ["[{Name} is at the counter, holding a ticket.]"]),
        (true, "THE COMEDY CLUB", ["[{Name} is at the bar after the show.]", "({Name} and {Other} stand by the stage.)"]),
        (false, "THE STREET", ["[{Name} and {Other} are walking.]", "({Name} is waiting for a cab.)"]),
        (false, "THE PARK", ["[{Name} is on a bench, reading the paper.]"]),
        (false, "THE PARKING GARAGE", ["({Name} and {Other} are looking for the car.)"]),
        (false, "THE BUS STOP", ["[{Name} checks the schedule.]"]),
    ]
    static let topics = ["the parking spot", "the rental car", "the dentist", "the wedding", "the cereal",
                         "the umbrella", "the library book", "the birthday card", "the elevator", "the spare key",
                         "the waiter", "the gym membership", "the neighbor's cat", "the sandwich", "the phone call",
                         "the second date", "the free sample", "the diner menu"]
    static let things = ["a sandwich", "my keys", "the remote", "a coupon", "the receipt", "a bagel",
                         "the good pen", "my sweater", "a lamp", "twelve pounds of shrimp"]
    static let adjectives = ["ridiculous", "unbelievable", "weird", "suspicious", "fantastic", "pathetic",
                             "tiny", "enormous", "insane", "perfect"]
    static let events = ["the wedding", "the party", "the game", "dinner", "the office party", "brunch"]
    static let scenePlaces = ["the coffee shop", "the laundromat", "the dry cleaner", "the park", "the bank", "the movies"]

    static let directions = [
        "({Name} sits down.)", "[The phone rings.]", "({Name} throws up both hands.)",
        "[{Name} stares at {Other}.]", "({Name} grabs {thing} and looks at it.)", "[A long pause.]",
        "({Name} checks the time.)", "[{Name} and {Other} look at each other.]",
    ]
    static let entrances = ["({Name} arrives.)", "({Name} shows up, out of breath.)", "[{Name} walks up, holding {thing}.]"]
    static let closingDirections = ["({Name} leaves.)", "[{Name} shakes {Other}'s hand and walks away.]",
                                    "({Name} storms off.)", "[{Name} stands alone, thinking.]"]

    // MARK: - Writing

    mutating func scene() -> String {
        let place = pick(Self.places)
        var text = "\(place.interior ? "INT." : "EXT.") \(place.name) - \(rng.uniform() < 0.6 ? "DAY" : "NIGHT")\n\n"

        // Who is there: Jerry most of the time, plus one to three others.
        var present: [Int] = []
        if rng.uniform() < 0.8 { present.append(0) }
        let others = Array(1..<Self.voices.count)
        var shuffled = others
        rng.shuffle(&shuffled)
        let wanted = max(2, 1 + rng.integer(below: 3) + (present.isEmpty ? 1 : 0))
        for index in shuffled where present.count < wanted { present.append(index) }
        let topic = pick(Self.topics)

        text += fill(pick(place.openings), speaker: nil, present: present, topic: topic) + "\n"
        let lineCount = 8 + rng.integer(below: 11)
        var previous = -1
        for _ in 0..<lineCount {
            if rng.uniform() < 0.12 {
                let absent = Self.voices.indices.filter { !present.contains($0) }
                if !absent.isEmpty && rng.uniform() < 0.4 {
                    let newcomer = pick(absent)
                    present.append(newcomer)
                    text += fill(pick(Self.entrances), speaker: nil, present: present, topic: topic, subject: newcomer) + "\n"
                    previous = -1
                } else {
                    text += fill(pick(Self.directions), speaker: nil, present: present, topic: topic) + "\n"
                }
            }
            let candidates = present.filter { $0 != previous }
            let speaker = candidates[rng.categorical(candidates.map { Self.voices[$0].weight })]
            text += line(for: speaker, present: present, topic: topic) + "\n"
            previous = speaker
        }
        if rng.uniform() < 0.6 {
            text += fill(pick(Self.closingDirections), speaker: nil, present: present, topic: topic) + "\n"
        }
        return text
    }

    /// `name: [aside] [opener] sentence [sentence] [closer]`.
    private mutating func line(for speaker: Int, present: [Int], topic: String) -> String {
        let voice = Self.voices[speaker]
        var parts: [String] = []
        if rng.uniform() < 0.08 { parts.append(pick(Self.asides)) }
        if rng.uniform() < 0.35 { parts.append(pick(voice.openers)) }
        let first = rng.uniform() < 0.6 ? pick(voice.lines) : pick(Self.sharedLines)
        parts.append(first)
        if rng.uniform() < 0.25 {
            let second = rng.uniform() < 0.6 ? pick(voice.lines) : pick(Self.sharedLines)
            if second != first { parts.append(second) }
        }
        if rng.uniform() < 0.25 { parts.append(pick(voice.closers)) }
        let text = fill(parts.joined(separator: " "), speaker: speaker, present: present, topic: topic)
        return "\(voice.name): \(text)"
    }

    /// Replaces every `{slot}` in `template`.
    /// `{Name}` is `subject`, or a random character present; `{Other}` another one present.
    private mutating func fill(_ template: String, speaker: Int?, present: [Int], topic: String, subject: Int? = nil) -> String {
        var result = ""
        var rest = template[...]
        let listeners = present.filter { $0 != speaker }
        let named = subject ?? pick(present)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let slot = rest[rest.index(after: open)..<close]
            switch slot {
            case "topic": result += topic
            case "thing": result += pick(Self.things)
            case "adj": result += pick(Self.adjectives)
            case "event": result += pick(Self.events)
            case "place": result += pick(Self.scenePlaces)
            case "name": result += Self.voices[listeners.isEmpty ? named : pick(listeners)].name
            case "Name": result += Self.capitalized(Self.voices[named].name)
            case "Other":
                let others = present.filter { $0 != named }
                let other = others.isEmpty ? (named + 1) % Self.voices.count : pick(others)
                result += Self.capitalized(Self.voices[other].name)
            default: result += "{" + slot + "}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[rng.integer(below: items.count)] }

    private static func capitalized(_ name: String) -> String { name.prefix(1).uppercased() + name.dropFirst() }
}
