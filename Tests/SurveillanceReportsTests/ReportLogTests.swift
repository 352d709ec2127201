import SurveillanceFrontend
import Testing

/// Report paths are the analyst's to choose and may name the child: the log never repeats
/// an NHS number, however it is written.
struct ReportLogTests {
  @Test(arguments: [
    ("out/9999999018.html", "out/[NHS number].html"),
    ("out/999 999 9018/report.html", "out/[NHS number]/report.html"),
    ("out/999-999-9018.html", "out/[NHS number].html"),
    ("out/2017-11-26/report.html", "out/2017-11-26/report.html"),
    ("out/12345678901.html", "out/12345678901.html"),
  ])
  func pathsAreLoggedWithoutNHSNumbers(path: String, logged: String) {
    #expect(ReportLog.safe(path) == logged)
  }
}
