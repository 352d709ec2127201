/// How wide a chart label is drawn, estimated without a font: so that a chart can make room
/// for its labels (an axis of 25882 children needs more than an axis of 12), and a test can
/// check that every label fits its box.
///
/// The charts' font is Arial, or on Linux Liberation Sans, which has Arial's metrics (the
/// advance widths are Helvetica's, in thousandths of an em, from the Adobe Font Metrics
/// files of the PostScript core fonts). A machine with neither falls back to DejaVu Sans,
/// up to about 15% wider, so every width here is raised by that margin: a label may be given
/// a little more room than it needs, never less. A character not in the table (a typographic
/// quote, a letter with an accent) counts as the widest letter, `W`.
///
/// Source: <https://github.com/adobe-type-tools/afm-files> (Helvetica.afm, Helvetica-Bold.afm).
enum TextWidth {
  /// The margin for a fallback font wider than Arial.
  static let fallbackMargin = 1.15
  /// Bold Helvetica is at most about 10% wider than regular in running text.
  static let boldFactor = 1.1

  /// The width in the units of `size` (SVG user units when `size` is the font size in them).
  static func of(_ text: String, size: Double, bold: Bool = false) -> Double {
    var thousandths = 0
    for scalar in text.unicodeScalars {
      thousandths += scalar.isASCII ? advance[Int(scalar.value)] : widest
    }
    return Double(thousandths) / 1000 * size * fallbackMargin * (bold ? boldFactor : 1)
  }

  /// The text cut at a word, with an ellipsis, to fit `width`; the whole text when it fits.
  static func fitting(_ text: String, width: Double, size: Double) -> String {
    guard of(text, size: size) > width else { return text }
    var words = text.split(separator: " ").map(String.init)
    while words.count > 1 {
      words.removeLast()
      let candidate = words.joined(separator: " ") + "\u{2026}"
      if of(candidate, size: size) <= width { return candidate }
    }
    var characters = Array(words.first ?? "")
    while !characters.isEmpty {
      characters.removeLast()
      let candidate = String(characters) + "\u{2026}"
      if of(candidate, size: size) <= width { return candidate }
    }
    return ""
  }

  /// The font size, at most `size`, at which the text fits `width`.
  static func size(fitting text: String, width: Double, upTo size: Double) -> Double {
    let full = of(text, size: size)
    guard full > width, full > 0 else { return size }
    return (size * width / full * 10).rounded(.down) / 10
  }

  private static let widest = 944

  /// Helvetica's advance widths for ASCII 0 to 127 (control characters as 0).
  private static let advance: [Int] = {
    var table = [Int](repeating: 0, count: 128)
    let printable: [Int] = [
      278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // space ! " # $ % & ' ( ) * + , - . /
      556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0-9 : ; < = > ?
      1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @ A-O
      667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // P-Z [ \ ] ^ _
      333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // ` a-o
      556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,  // p-z { | } ~ DEL
    ]
    for (offset, width) in printable.enumerated() { table[32 + offset] = width }
    return table
  }()
}
