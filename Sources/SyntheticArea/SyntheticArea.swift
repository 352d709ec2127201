import SurveillanceCore

/// A synthetic area: every patient's GP issues, pharmacy dispensings, safeguarding plans and
/// asthma care events, written as CSV text.
///
/// Pure and deterministic: no files, no clock, no system randomness. The same spec and
/// catalogue give the same bytes, which is what lets `data-samples/` be checked against the
/// command that made it and a benchmark be run twice on the same input. Text is streamed to the
/// sink in chunks, file by file, so that ten-million-row exports never sit in memory.
public struct SyntheticArea: Sendable {
  public let spec: AreaSpec
  public let catalogue: ProductCatalogue

  public init(spec: AreaSpec, catalogue: ProductCatalogue) {
    self.spec = spec
    self.catalogue = catalogue
  }

  /// The files this spec writes, in the order they are begun.
  public var files: [SyntheticFile] {
    SyntheticFile.allCases.filter { $0.isCanonical || spec.layouts == .all }
  }

  /// Generates the area, calling `sink` with chunks of each file's text (header first).
  /// Encode each chunk with ``SyntheticFile/encode(_:)`` before writing it.
  @discardableResult
  public func generate(into sink: (SyntheticFile, String) -> Void) -> GenerationSummary {
    withoutActuallyEscaping(sink) { sink in
      var run = GenerationRun(spec: spec, catalogue: catalogue, output: ChunkedOutput(sink: sink))
      for file in files { run.output.begin(file) }
      let adults = run.cohort(.canonical)
      run.pad(with: adults)
      if spec.layouts == .all { _ = run.cohort(.realWorld) }
      return run.finish(files: files)
    }
  }
}
