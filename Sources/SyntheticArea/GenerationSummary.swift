/// What a generation wrote: rows per file, where the broken rows are, and what was planted.
public struct GenerationSummary: Sendable {
  /// Data rows (header excluded) per file written.
  public var rows: [SyntheticFile: Int] = [:]
  /// Physical line numbers (header = 1) of the deliberately broken rows, per file.
  public var brokenLines: [SyntheticFile: [Int]] = [:]
  /// Broken rows by defect.
  public var defects: [RowDefect: Int] = [:]
  /// Children with asthma per planted pattern, both cohorts.
  public var patterns: [PlantedPattern: Int] = [:]
  /// Children with asthma per planted safeguarding status, both cohorts.
  public var safeguarding: [PlantedSafeguarding: Int] = [:]
  public var adults = 0
  public var childrenWithoutAsthma = 0
  public var childrenWithAsthma = 0
  /// Adults whose rows include asthma or COPD inhalers.
  public var adultsWithInhalers = 0
  /// Every child with asthma and what was planted for them: the answer key a run's signals can
  /// be checked against.
  public var planted: [PlantedChild] = []

  /// ``planted`` as CSV text (`planted.csv`): one row per child with asthma, in NHS number
  /// order within each file.
  public var answerKey: String {
    var text = "nhs_number,file,pattern,safeguarding\n"
    for child in planted {
      text += child.nhsNumber + "," + child.file.fileName + "," + child.pattern.rawValue + "," + child.safeguarding.rawValue + "\n"
    }
    return text
  }

  /// One line per figure, in a fixed order, for people and for the README.
  public var lines: [String] {
    var result: [String] = []
    for file in SyntheticFile.allCases {
      guard let count = rows[file] else { continue }
      result.append("\(file.fileName): \(count) rows, \(brokenLines[file]?.count ?? 0) deliberately broken")
    }
    result.append("patients: \(adults) adults (\(adultsWithInhalers) with inhalers), \(childrenWithoutAsthma) children without asthma, \(childrenWithAsthma) children with asthma")
    for pattern in PlantedPattern.allCases {
      if let count = patterns[pattern] { result.append("pattern \(pattern.rawValue): \(count)") }
    }
    for status in PlantedSafeguarding.allCases where status != .none {
      if let count = safeguarding[status] { result.append("safeguarding \(status.rawValue): \(count)") }
    }
    for defect in RowDefect.allCases {
      if let count = defects[defect] { result.append("defect \(defect.rawValue): \(count)") }
    }
    return result
  }
}

/// One child with asthma and what the generator planted for them.
public struct PlantedChild: Sendable, Hashable {
  /// Ten digits from the NHS test range.
  public var nhsNumber: String
  public var file: SyntheticFile
  public var pattern: PlantedPattern
  public var safeguarding: PlantedSafeguarding
}
