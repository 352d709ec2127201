@testable import SurveillanceCore
import Testing

/// Filling a rule's reason template: names in braces become their values, whatever text
/// surrounds them, and a name with no value is left for the reader to see.
struct ReasonTemplateTests {
  @Test func namesAreReplacedAndTheRestKept() {
    let filled = SignalEvaluator.fill("{count} relievers – “{window_end}”, café {count}.", with: ["count": "8", "window_end": "2017-11-26"])
    #expect(filled == "8 relievers – “2017-11-26”, café 8.")
  }

  @Test func unknownNamesStayVisibleAndStrayBracesBehave() {
    #expect(SignalEvaluator.fill("a {missing} b", with: [:]) == "a {missing} b")
    #expect(SignalEvaluator.fill("closing } alone", with: [:]) == "closing } alone")
    // An opening brace restarts the name; an unclosed one hides the rest, as before.
    #expect(SignalEvaluator.fill("x {a {b} y", with: ["b": "B"]) == "x B y")
    #expect(SignalEvaluator.fill("x {never closed", with: [:]) == "x ")
  }

  @Test func placeholdersAreListedInOrder() {
    #expect(SignalRule.placeholders(in: "{a} and {b_12m}, é {a}") == ["a", "b_12m", "a"])
  }
}
