/// Finds, in one pass over a product name, every formulary term it contains.
///
/// Why an automaton: `classify` runs for every row of exports with tens of millions of rows, and
/// a row whose code is in no list falls through to name patterns. Testing a hundred-odd terms
/// one by one per row would dominate the run; an Aho-Corasick automaton reads each byte of the
/// name once, whatever the number of terms.
struct TermMatcher: Sendable {
  /// Term ids in the order they were added; `terms[id]` is the normalised term.
  private(set) var terms: [String] = []
  private var termIDs: [String: Int] = [:]

  // The compiled automaton (built by `compile()`).
  private var byteClass = [UInt16](repeating: 0, count: 256)
  private var classCount = 1
  private var transitions: [Int32] = []
  /// Term ids found on reaching each node: `outputIDs[outputStart[node]..<outputStart[node + 1]]`.
  private var outputStart: [Int32] = [0]
  private var outputIDs: [Int32] = []

  /// Registers a term (normalised like names, but keeping one space at either edge where the
  /// term has one, to mark a word boundary) and returns its id.
  mutating func add(_ term: String) -> Int {
    let core = NameText.normalise(term)
    let key = (term.first?.isWhitespace == true ? " " : "") + core + (term.last?.isWhitespace == true && !core.isEmpty ? " " : "")
    if let id = termIDs[key] { return id }
    let id = terms.count
    terms.append(key)
    termIDs[key] = id
    return id
  }

  /// Builds the automaton over every term added so far.
  mutating func compile() {
    // Bytes that occur in no term all share class 0, which keeps the table small.
    byteClass = [UInt16](repeating: 0, count: 256)
    classCount = 1
    for term in terms {
      for byte in term.utf8 where byteClass[Int(byte)] == 0 {
        byteClass[Int(byte)] = UInt16(classCount)
        classCount += 1
      }
    }
    // Trie of the terms; -1 marks a missing edge.
    var goto: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
    var output: [[Int32]] = [[]]
    for (id, term) in terms.enumerated() {
      var node = 0
      for byte in term.utf8 {
        let symbol = Int(byteClass[Int(byte)])
        if goto[node][symbol] < 0 {
          goto.append([Int32](repeating: -1, count: classCount))
          output.append([])
          goto[node][symbol] = Int32(goto.count - 1)
        }
        node = Int(goto[node][symbol])
      }
      output[node].append(Int32(id))
    }
    // Breadth-first: failure links, then every missing edge filled in (a full DFA).
    var failure = [Int](repeating: 0, count: goto.count)
    var queue: [Int] = []
    for symbol in 0..<classCount {
      if goto[0][symbol] < 0 {
        goto[0][symbol] = 0
      } else {
        queue.append(Int(goto[0][symbol]))
      }
    }
    var head = 0
    while head < queue.count {
      let node = queue[head]
      head += 1
      output[node].append(contentsOf: output[failure[node]])
      for symbol in 0..<classCount {
        let next = goto[node][symbol]
        if next < 0 {
          goto[node][symbol] = goto[failure[node]][symbol]
        } else {
          failure[Int(next)] = Int(goto[failure[node]][symbol])
          queue.append(Int(next))
        }
      }
    }
    transitions = goto.flatMap { $0 }
    outputIDs = output.flatMap { $0 }
    outputStart = [0]
    for ids in output { outputStart.append(outputStart[outputStart.count - 1] + Int32(ids.count)) }
  }

  /// The ids of every term found in `normalisedName` (see ``NameText/normalise(_:)``), read
  /// as if a space stood before and after it, so that a term written with a space at its
  /// edge (`" inh "`) matches a whole word at the start or end of a name too.
  func matches(in normalisedName: String) -> TermSetBits {
    var found = TermSetBits()
    guard !terms.isEmpty else { return found }
    transitions.withUnsafeBufferPointer { transitions in
      byteClass.withUnsafeBufferPointer { byteClass in
        var node = 0
        func step(_ byte: UInt8) {
          node = Int(transitions[node * classCount + Int(byteClass[Int(byte)])])
          for index in Int(outputStart[node])..<Int(outputStart[node + 1]) { found.insert(Int(outputIDs[index])) }
        }
        step(0x20)
        for byte in normalisedName.utf8 { step(byte) }
        step(0x20)
      }
    }
    return found
  }
}

/// A set of term ids, as bits held inline (no allocation per name), so that a pattern test is
/// a few word-wide ANDs.
struct TermSetBits: Sendable, Hashable {
  /// The most terms a formulary may use.
  static let capacity = 512
  private var words = SIMD8<UInt64>(repeating: 0)

  init() {}

  init(_ ids: [Int]) { for id in ids { insert(id) } }

  mutating func insert(_ id: Int) {
    words[id >> 6] |= 1 << UInt64(id & 63)
  }

  /// Whether the two sets share a term.
  func intersects(_ other: TermSetBits) -> Bool {
    (words & other.words) != SIMD8<UInt64>(repeating: 0)
  }

  /// The terms of both sets.
  func union(_ other: TermSetBits) -> TermSetBits {
    var result = self
    result.words |= other.words
    return result
  }
}

/// How names are compared: lower case, runs of whitespace as one space, no leading or trailing
/// space. The same for terms and for the names that arrive in exports.
enum NameText {
  static func normalise(_ text: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var pendingSpace = false
    for byte in text.utf8 {
      if ProductCodes.isSpace(byte) {
        pendingSpace = !out.isEmpty
        continue
      }
      if pendingSpace {
        out.append(0x20)
        pendingSpace = false
      }
      out.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte)
    }
    return String(decoding: out, as: UTF8.self)
  }
}
