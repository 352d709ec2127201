import SurveillanceCore

/// The event lanes under the bars: one row per kind of event, marks at their dates.
extension TimelineChart {
  /// One lane: marks on the same day become one group; groups too close to read apart are
  /// nudged sideways (never reordered), with a thin leader back to their true date.
  func drawLane(_ svg: inout SVGCanvas, _ lane: Lane, index: Int) {
    let top = lanesTop + Double(index) * laneHeight
    let middle = top + laneHeight / 2
    svg.text(lane.title, x: plotLeft - 10, y: middle + 4, anchor: .end, weight: "bold")
    if lane.marks.isEmpty {
      svg.text("none", x: plotLeft + 6, y: middle + 4, size: 11, fill: ChartPalette.muted)
    }
    let byDay = Dictionary(grouping: lane.marks, by: \.date)
    let groups = byDay.keys.sorted().map { MarkGroup(marks: byDay[$0]!, centre: x($0) + 2) }
    // Nothing is drawn past the report date: marks crowded at its end are pulled back left of it.
    let centres = Self.spread(groups.map { ($0.centre, $0.width) }, limit: min(width - 6, reportDateX - 2))
    for (group, centre) in zip(groups, centres) {
      if abs(centre - group.centre) > 1 {
        svg.line(x1: group.centre, y1: top + 1, x2: centre, y2: middle, stroke: ChartPalette.muted, width: 0.8)
      }
      draw(&svg, group, x: centre, y: middle)
    }
    svg.newline()
  }

  /// Marks of one day in one lane.
  struct MarkGroup {
    var marks: [Mark]
    /// Where the day falls on the axis.
    var centre: Double

    /// Letters of the day's letter marks, joined: `R P`, `7 8`.
    var letters: String? {
      let letters = marks.compactMap { mark -> String? in
        if case .letter(let letter) = mark.shape { return letter }
        return nil
      }
      return letters.count == marks.count ? letters.joined(separator: " ") : nil
    }

    var width: Double {
      if let letters { return max(16, Double(letters.count) * 6.8 + 8) }
      return marks.count > 1 ? 30 : 16
    }
  }

  /// Centres for boxes of the given widths, each at or after its wanted centre, not
  /// overlapping, and pulled back left where the last would pass `limit`.
  static func spread(_ boxes: [(centre: Double, width: Double)], limit: Double) -> [Double] {
    var centres = boxes.map(\.centre)
    for i in centres.indices.dropFirst() {
      centres[i] = max(centres[i], centres[i - 1] + (boxes[i - 1].width + boxes[i].width) / 2 + 2)
    }
    if let last = centres.indices.last {
      centres[last] = min(centres[last], limit - boxes[last].width / 2)
      for i in centres.indices.dropLast().reversed() {
        centres[i] = min(centres[i], centres[i + 1] - (boxes[i].width + boxes[i + 1].width) / 2 - 2)
      }
    }
    return centres
  }

  func draw(_ svg: inout SVGCanvas, _ group: MarkGroup, x: Double, y: Double) {
    let label = group.marks.map(\.label).joined(separator: "; ")
    if let letters = group.letters {
      // The most urgent colour of the day (signals are coloured by severity).
      let colour = group.marks.map(\.colour).max { Self.colourRank($0) < Self.colourRank($1) } ?? ChartPalette.ink
      svg.rect(x: x - group.width / 2, y: y - 8, width: group.width, height: 16, fill: colour, radius: 8, label: label)
      svg.text(letters, x: x, y: y + 4, anchor: .middle, size: 11, weight: "bold", fill: "#ffffff")
      return
    }
    let mark = group.marks[0]
    let shapeX = group.marks.count > 1 ? x - 7 : x
    switch mark.shape {
    case .circle: svg.circle(x: shapeX, y: y, radius: 6, fill: mark.colour, label: label)
    case .hollowCircle: svg.circle(x: shapeX, y: y, radius: 6, fill: "#ffffff", stroke: mark.colour, label: label)
    case .diamond: svg.polygon([(shapeX, y - 8), (shapeX + 7, y), (shapeX, y + 8), (shapeX - 7, y)], fill: mark.colour, label: label)
    case .hollowDiamond: svg.polygon([(shapeX, y - 8), (shapeX + 7, y), (shapeX, y + 8), (shapeX - 7, y)], fill: "#ffffff", stroke: mark.colour, label: label)
    case .triangle: svg.polygon([(shapeX, y - 8), (shapeX + 7, y + 6), (shapeX - 7, y + 6)], fill: mark.colour, label: label)
    case .cross:
      svg.line(x1: shapeX - 6, y1: y - 6, x2: shapeX + 6, y2: y + 6, stroke: mark.colour, width: 2)
      svg.line(x1: shapeX - 6, y1: y + 6, x2: shapeX + 6, y2: y - 6, stroke: mark.colour, width: 2)
    case .letter: break
    }
    if group.marks.count > 1 { svg.text("×\(group.marks.count)", x: shapeX + 9, y: y + 4, size: 10) }
  }

  /// Severity colours rank urgent over priority over review; other colours rank lowest.
  static func colourRank(_ colour: String) -> Int {
    Severity.allCases.firstIndex { ChartPalette.severity($0) == colour } ?? -1
  }
}
