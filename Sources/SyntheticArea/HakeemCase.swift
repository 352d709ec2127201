import SurveillanceCore

/// The four canonical files of one child: the Hakeem review's timeline on its own dates
/// (``HakeemTimeline``), for replaying "when could this have been seen?" against 2017.
public enum HakeemCase {
  /// The files written.
  public static let files: [SyntheticFile] = [.gp, .pharmacy, .safeguarding, .careEvents]

  /// Writes the case files to `sink`. The child's NHS number is from the test range; the
  /// practice and pharmacy codes are invented.
  @discardableResult
  public static func generate(catalogue: ProductCatalogue, into sink: (SyntheticFile, String) -> Void) -> GenerationSummary {
    withoutActuallyEscaping(sink) { sink in
      let spec = AreaSpec(patients: 0, seed: 2017, asOf: HakeemTimeline.endDate, brokenRows: false)
      var run = GenerationRun(spec: spec, catalogue: catalogue, output: ChunkedOutput(sink: sink))
      for file in files { run.output.begin(file) }
      var numbers = TestNHSNumbers.cases
      let person = Person(
        nhsNumber: numbers.next(), dateOfBirth: HakeemTimeline.dateOfBirth, practiceCode: "Z80001",
        prescriberCode: "G9800001", pharmacyCode: "FZ801")
      let sites = Sites(patients: 0, series: 8)
      var planner = PatientPlanner(person: person, catalogue: catalogue, sites: sites, asOf: HakeemTimeline.endDate, generator: SeededGenerator(seed: 2017))
      planner.plantHakeemTimeline(endingNear: HakeemTimeline.endDate)
      planner.rows.sortByDate()
      run.emit(planner.rows, cohort: .canonical)
      run.summary.childrenWithAsthma = 1
      run.summary.patterns[.hakeemLike] = 1
      run.summary.safeguarding[.caseTimeline] = 1
      run.summary.planted = [PlantedChild(nhsNumber: person.nhsNumber, file: .gp, pattern: .hakeemLike, safeguarding: .caseTimeline)]
      return run.finish(files: files)
    }
  }
}
