import Foundation
import SurveillanceCore
import SurveillanceStore
import Testing

/// Everything a run puts in the store comes back as it went in.
@Suite struct StoreRoundTripTests {
  @Test func theRunsOutputsRenderedFromTheStoreAreByteForByteTheRunsOwn() throws {
    let contents = try SampleRun.contents()
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("outputs"))
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    let stored = try store.loadCurrentGeneration()

    let fileNames = contents.manifest.inputs.map(\.path)
    #expect(stored.fileNames == fileNames)
    let original = RunOutputs(fileNames: fileNames)
    let readBack = RunOutputs(fileNames: stored.fileNames)
    let summaries = contents.children.map(\.summary)
    let storedSummaries = stored.children.map(\.summary)
    #expect(readBack.childrenCSV(storedSummaries) == original.childrenCSV(summaries))
    #expect(readBack.signalsCSV(storedSummaries.flatMap(\.signals)) == original.signalsCSV(summaries.flatMap(\.signals)))
    #expect(readBack.signalsJSONLines(storedSummaries.flatMap(\.signals)) == original.signalsJSONLines(summaries.flatMap(\.signals)))
    #expect(readBack.rejectsCSV(stored.rejects) == original.rejectsCSV(contents.rejects))
    #expect(stored.manifest.json == contents.manifest.json)
    #expect(stored.manifest.timings.map(\.1) == [1.2345678, 2.5], "timings keep their full precision")
  }

  @Test func everyFieldOfEveryChildSignalSupplyPlanAndEventComesBack() throws {
    let contents = try SampleRun.contents()
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("fields"))
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    let stored = try store.loadCurrentGeneration()

    #expect(stored.children.count == contents.children.count)
    #expect(stored.rejects == contents.rejects)
    #expect(stored.info.asOf == contents.manifest.asOf)
    #expect(stored.info.childrenCount == contents.children.count)
    #expect(stored.info.writtenAt == "2026-11-22T02:10:00Z")
    var plansSeen = 0, eventsSeen = 0, contextsSeen = 0
    for (original, back) in zip(contents.children, stored.children) {
      let nhs = original.summary.nhsNumber.description
      #expect(back.summary.nhsNumber == original.summary.nhsNumber)
      #expect(back.dateOfBirth == original.timeline.dateOfBirth, "\(nhs)")
      #expect(back.summary.ageYears == original.summary.ageYears)
      #expect(back.summary.practiceCode == original.summary.practiceCode)
      #expect(back.summary.figures.map(\.value) == original.summary.figures.map(\.value), "\(nhs)")
      #expect(back.summary.safeguarding == original.summary.safeguarding, "\(nhs)")
      #expect(back.summary.actionPlan == original.summary.actionPlan, "\(nhs)")
      #expect(back.summary.signals == original.summary.signals, "\(nhs)")
      #expect(back.supplies == original.timeline.supplies.map(StoredSupply.init), "\(nhs)")
      #expect(back.plans == original.timeline.plans, "\(nhs)")
      #expect(back.events == original.timeline.events, "\(nhs)")
      plansSeen += back.plans.count
      eventsSeen += back.events.count
      if back.summary.safeguarding != nil { contextsSeen += 1 }
    }
    // The samples exercise what the comparison is about.
    #expect(plansSeen > 10 && eventsSeen > 100 && contextsSeen > 10)
    #expect(contents.rejects.count > 50)
  }

  @Test func aStoredSupplyKeepsBothSidesOfAMatchedPair() throws {
    let contents = try SampleRun.contents()
    let matched = try #require(contents.children.lazy.flatMap(\.timeline.supplies).first { $0.issue != nil && $0.dispensing != nil })
    let stored = StoredSupply(matched)
    #expect(stored.issueSource == matched.issue?.source)
    #expect(stored.dispensingSource == matched.dispensing?.source)
    #expect(stored.practiceCode == matched.issue?.siteCode)
    #expect(stored.pharmacyCode == matched.dispensing?.siteCode)
    #expect(stored.issueDate == matched.issue?.date)
    #expect(stored.sources == matched.sources)
  }

  @Test func lookingUpOneChildGivesWhatTheWholeGenerationHoldsForThem() throws {
    let contents = try SampleRun.contents()
    let store = try SurveillanceStore.openOrCreate(at: temporaryStorePath("one"))
    _ = try store.replaceGeneration(with: contents, writtenAt: "2026-11-22T02:10:00Z", holding: try store.lockForWriting(for: "test"))
    let child = try #require(contents.children.first { !$0.summary.signals.isEmpty && $0.summary.safeguarding != nil })
    let (generation, found) = try store.lookUp(child.summary.nhsNumber)
    let back = try #require(found)
    #expect(generation.asOf == contents.manifest.asOf)
    #expect(back.summary.signals == child.summary.signals)
    #expect(back.supplies == child.timeline.supplies.map(StoredSupply.init))
    #expect(try store.lookUp(NHSNumber("9434765919")!).child == nil, "a child not in the run has no record")
  }
}
