import Foundation
import Testing

/// `report child|area|rules` run as an analyst runs them.
struct ReportCommandTests {
  static let caseInputs = [
    "--gp", "data-samples/case-hakeem/gp.csv", "--pharmacy", "data-samples/case-hakeem/pharmacy.csv",
    "--safeguarding", "data-samples/case-hakeem/safeguarding.csv", "--care-events", "data-samples/case-hakeem/care-events.csv",
  ]

  @Test func theChildReportIsOneOwnerOnlyFileAndTheLogNamesNoChild() throws {
    let out = CommandRunner.temporaryDirectory("report-child")
    // An analyst may well name the file after the child: the log must not repeat it.
    let file = out.appendingPathComponent("999 999 9018.html")
    let result = try CommandRunner.run(["report", "child", "999", "999", "9018"] + Self.caseInputs + ["--as-of", "2017-11-26", "--out", file.path])
    #expect(result.status == 0, "\(result.stderr)")
    let html = try String(contentsOf: file, encoding: .utf8)
    #expect(html.contains("When could this have been seen?"))
    #expect(html.contains("NHS number 999 999 9018"))
    let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(nhsNumberShapedStrings(in: result.stderr + result.stdout) == [], "\(result.stderr)")
  }

  @Test func anInvalidOrUnknownNHSNumberIsAPlainErrorThatDoesNotRepeatIt() throws {
    let out = CommandRunner.temporaryDirectory("report-bad").appendingPathComponent("r.html")
    let invalid = try CommandRunner.run(["report", "child", "9999999019"] + Self.caseInputs + ["--out", out.path])
    #expect(invalid.status != 0)
    #expect(invalid.stderr.contains("not valid"))
    #expect(!invalid.stderr.contains("9999999019"))
    let unknown = try CommandRunner.run(["report", "child", "9434765919"] + Self.caseInputs + ["--as-of", "2017-11-26", "--out", out.path])
    #expect(unknown.status != 0)
    #expect(unknown.stderr.contains("no row in the given exports"))
    #expect(nhsNumberShapedStrings(in: unknown.stderr) == [])
  }

  /// It names no child unless asked to, so it publishes no pseudonym and needs no key.
  @Test func theAreaReportNeedsNoKeyAndNamesChildrenOnlyWhenIdentified() throws {
    let out = CommandRunner.temporaryDirectory("report-area")
    let arguments = ["report", "area"] + Self.caseInputs + ["--as-of", "2017-11-26", "--months", "6", "--out", out.path]
    let keyed = try CommandRunner.run(arguments, environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(keyed.status == 0, "\(keyed.stderr)")
    let html = try String(contentsOf: out.appendingPathComponent("area-report.html"), encoding: .utf8)
    #expect(nhsNumberShapedStrings(in: html) == [])
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("practices.csv").path))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("children-with-signals.csv").path), "a list of children needs --identify")

    let audit = CommandRunner.temporaryDirectory("report-area-audit")
    let identifying = arguments + ["--identify", "--user", "j.bloggs", "--reason", "safeguarding review", "--audit", audit.path]
    let identified = try CommandRunner.run(identifying, environment: ["ASTHMA_SURVEILLANCE_KEY_FILE": "", "ASTHMA_SURVEILLANCE_KEY": ""])
    #expect(identified.status == 0, "\(identified.stderr)")
    let named = try String(contentsOf: out.appendingPathComponent("children-with-signals.csv"), encoding: .utf8)
    #expect(named.contains("999 999 9018"), "NHS numbers shown to people are 3-3-4")
    let page = try String(contentsOf: out.appendingPathComponent("area-report.html"), encoding: .utf8)
    #expect(page.contains("identifies children by NHS number") && !page.contains("9999999018"), "the lists are in the CSV files")
    #expect(nhsNumberShapedStrings(in: identified.stderr) == [])

    // A pseudonymised report written over an identified one leaves no list of children behind.
    let again = try CommandRunner.run(arguments, environment: ["ASTHMA_SURVEILLANCE_KEY": String(repeating: "k", count: 40)])
    #expect(again.status == 0, "\(again.stderr)")
    for name in try FileManager.default.contentsOfDirectory(atPath: out.path) {
      #expect(nhsNumberShapedStrings(in: try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)) == [], "\(name)")
    }
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("children-with-signals.csv").path))
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("safeguarding-and-signals.csv").path))

    let trail = try CommandRunner.run(["audit", "--store", audit.path])
    #expect(trail.status == 0, "\(trail.stderr)")
    #expect(trail.stdout.contains("report area --identify"))
    #expect(trail.stdout.contains("j.bloggs"))
    #expect(trail.stdout.contains("safeguarding review"))
    #expect(trail.stdout.contains("1 look-up(s)"))
  }

  @Test func anAreaReportNamingChildrenIsRefusedWithoutWhoWhyAndWhereToAudit() throws {
    let out = CommandRunner.temporaryDirectory("report-area-unaudited")
    let arguments = ["report", "area"] + Self.caseInputs + ["--as-of", "2017-11-26", "--months", "6", "--out", out.path, "--identify"]
    let audit = CommandRunner.temporaryDirectory("report-area-unaudited-trail").path
    let refusals: [([String], String)] = [
      (["--reason", "review", "--audit", audit], "--user"),
      (["--user", "j.bloggs", "--audit", audit], "--reason"),
      (["--user", "j.bloggs", "--reason", "review"], "--audit"),
    ]
    for (extra, named) in refusals {
      let refused = try CommandRunner.run(arguments + extra)
      #expect(refused.status != 0)
      #expect(refused.stderr.contains(named), "\(refused.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("children-with-signals.csv").path))
    let pseudonymised = try CommandRunner.run(["report", "area"] + Self.caseInputs + ["--out", out.path, "--user", "j.bloggs"])
    #expect(pseudonymised.status != 0)
    #expect(pseudonymised.stderr.contains("--identify"))
  }

  @Test func theRuleCatalogueIsHTMLOrMarkdownByItsFileName() throws {
    let out = CommandRunner.temporaryDirectory("report-rules")
    for name in ["rules.html", "rules.md"] {
      let result = try CommandRunner.run(["report", "rules", "--out", out.appendingPathComponent(name).path])
      #expect(result.status == 0, "\(result.stderr)")
      let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      #expect(text.contains("Do not edit"))
      #expect(text.contains(name.hasSuffix(".md") ? "## Reliever inhaler over-use" : "<h2 id=\"rule-reliever-overuse\">"))
    }
  }
}
