import SurveillanceCore

/// The prescribing and care history of the Serious Case Review "Hakeem" (Birmingham
/// Safeguarding Children Board, published 2022; `shared/background/000_50e882b137de18d5.txt`),
/// as rows, each with the paragraph it comes from.
///
/// Only what the review publishes is planted. Where it gives a month but no day, or no product
/// strength, the detail is invented and says so in ``Fact/invented``; `data-samples/README.md`
/// lists every row with its paragraph. The attendances of 2015 and 2016 (paras 12.2, 12.3,
/// 12.5) are left out: the review does not say whether the GP reviewed him after them, and an
/// attendance planted alone would say that nobody did. The same facts, moved in time, give the Hakeem-like
/// children of a synthetic area.
public enum HakeemTimeline {
  /// 26 November 2017, the day he died (para 1.2): the end of "the last six months of his life".
  public static let endDate = CalendarDate(year: 2017, month: 11, day: 26)!
  /// Seven when he died (paras 1.1, 5.3) and "only six years old" in May 2017 (para 5.20):
  /// born between June and November 2010. The day and month are invented.
  public static let dateOfBirth = CalendarDate(year: 2010, month: 8, day: 15)!

  /// One planted row.
  public struct Fact: Sendable {
    public enum What: Sendable {
      /// A GP issue of the product, dispensed on `dispensed` (nil: no dispensing) with the
      /// prescription id written on the dispensing, or without it when `idOnDispensing` is false.
      case issue(CaseProduct, dispensed: CalendarDate?, idOnDispensing: Bool)
      /// A pharmacy supply with no GP issue behind it.
      case pharmacySupply(CaseProduct, SupplyType)
      case event(CareEventType, code: String?, nextReviewDue: CalendarDate?)
      /// A plan from `date` to `end`; a nil `date` on the fact means "from the date of birth".
      case plan(PlanType, category: String?, end: CalendarDate?)
    }

    public var date: CalendarDate
    public var what: What
    /// The review's paragraph(s) behind the row.
    public var paragraph: String
    /// What is invented (days, codes, strengths), or empty.
    public var invented: String
  }

  /// The products, by dm+d name. Beclometasone is named in para 12.1; the strengths and brand
  /// are invented.
  public enum CaseProduct: String, Sendable {
    case reliever = "Salbutamol 100micrograms/dose inhaler CFC free"
    case preventer = "Clenil Modulite 100micrograms/dose inhaler (Chiesi Ltd)"
    case nebules = "Salbutamol 2.5mg/2.5ml nebuliser liquid unit dose vials"
    case spacer = "Volumatic spacer"
  }

  private static func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate { CalendarDate(year: year, month: month, day: day)! }

  /// Every planted row, in date order.
  public static let facts: [Fact] = [
    Fact(date: dateOfBirth, what: .plan(.childProtection, category: "neglect", end: day(2011, 1, 31)),
         paragraph: "1.4", invented: "start recorded as the date of birth (the plan began before birth, under pre-birth concerns); end day (January 2011)"),
    Fact(date: day(2011, 12, 15), what: .plan(.childProtection, category: "neglect", end: day(2012, 8, 15)),
         paragraph: "1.4", invented: "days (\"end of 2011\", \"August 2012\")"),
    Fact(date: day(2012, 6, 1), what: .event(.diagnosis, code: CareCodes.asthma, nextReviewDue: nil),
         paragraph: "12.1", invented: "date (\"early diagnosis\", before the age of five)"),
    Fact(date: day(2015, 10, 29), what: .event(.wasNotBrought, code: nil, nextReviewDue: nil),
         paragraph: "12.4", invented: "day (follow-up appointment, October 2015)"),
    Fact(date: day(2015, 12, 10), what: .event(.wasNotBrought, code: nil, nextReviewDue: nil),
         paragraph: "12.4", invented: "day (December 2015 appointment)"),
    Fact(date: day(2017, 4, 12), what: .event(.asthmaReview, code: CareCodes.annualReview, nextReviewDue: nil),
         paragraph: "12.9, 12.19", invented: "SNOMED code choice"),
    Fact(date: day(2017, 4, 12), what: .event(.actionPlanIssued, code: CareCodes.actionPlan, nextReviewDue: day(2018, 4, 12)),
         paragraph: "12.9", invented: "next review due (12 months on)"),
    Fact(date: day(2017, 4, 12), what: .event(.inhalerTechniqueCheck, code: nil, nextReviewDue: nil),
         paragraph: "12.9, 12.11", invented: "date (technique checked once; put with the April assessment)"),
    Fact(date: day(2017, 4, 12), what: .issue(.spacer, dispensed: day(2017, 4, 13), idOnDispensing: true),
         paragraph: "12.9", invented: "date, product"),
    Fact(date: day(2017, 5, 15), what: .issue(.nebules, dispensed: day(2017, 5, 16), idOnDispensing: true),
         paragraph: "12.13, 12.10", invented: "day (May 2017), strength, dispensing date"),
    Fact(date: day(2017, 6, 6), what: .issue(.reliever, dispensed: day(2017, 6, 7), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 6, 6), what: .issue(.preventer, dispensed: day(2017, 6, 7), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 7, 11), what: .issue(.reliever, dispensed: day(2017, 7, 11), idOnDispensing: true),
         paragraph: "12.10, 12.15", invented: "day (the July 2017 prescription collected without the child being seen)"),
    Fact(date: day(2017, 7, 11), what: .issue(.preventer, dispensed: day(2017, 7, 11), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 7, 14), what: .plan(.childInNeed, category: nil, end: nil),
         paragraph: "1.4, 9.2", invented: "day (July 2017; paras 5.9 and 5.11 date the allocation and assessment to May 2017, para 1.4 the plan to July); no end date is published"),
    Fact(date: day(2017, 7, 17), what: .event(.wasNotBrought, code: nil, nextReviewDue: nil),
         paragraph: "12.10", invented: "days (\"not brought to a follow up appointment six days later\")"),
    Fact(date: day(2017, 8, 8), what: .issue(.reliever, dispensed: day(2017, 8, 8), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 9, 5), what: .issue(.reliever, dispensed: day(2017, 9, 6), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 9, 5), what: .issue(.preventer, dispensed: day(2017, 9, 6), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 9, 13), what: .issue(.nebules, dispensed: day(2017, 9, 13), idOnDispensing: true),
         paragraph: "12.13", invented: "day (September 2017), strength, dispensing date"),
    Fact(date: day(2017, 9, 22), what: .event(.asthmaReview, code: CareCodes.followUp, nextReviewDue: nil),
         paragraph: "12.9", invented: "SNOMED code choice (the last of the GP's asthma assessments, 22 September 2017)"),
    Fact(date: day(2017, 9, 25), what: .issue(.reliever, dispensed: day(2017, 9, 25), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 9, 28), what: .event(.hospitalAdmission, code: nil, nextReviewDue: nil),
         paragraph: "12.14, 13.3, 7.12", invented: "day (September 2017; \"admitted twice in the last two weeks\" as known after the October admission)"),
    Fact(date: day(2017, 10, 5), what: .issue(.reliever, dispensed: day(2017, 10, 3), idOnDispensing: false),
         paragraph: "12.15", invented: "days (inhalers issued by the pharmacist in October 2017 before the prescription)"),
    Fact(date: day(2017, 10, 8), what: .event(.hospitalAdmission, code: nil, nextReviewDue: nil),
         paragraph: "12.14, 13.3", invented: "day (October 2017); no GP review followed (12.14)"),
    Fact(date: day(2017, 10, 19), what: .issue(.reliever, dispensed: day(2017, 10, 16), idOnDispensing: false),
         paragraph: "12.15", invented: "days (as above)"),
    Fact(date: day(2017, 10, 26), what: .pharmacySupply(.reliever, .emergencySupply),
         paragraph: "12.15, Finding 5", invented: "the supply itself: the review does not count the pharmacy's supplies, so this one is planted in addition to the eight prescribed relievers, as an emergency supply that no prescription followed (\"the pharmacists argued that they had a duty to provide inhalers on patient safety grounds, whether or not prescribed by the GP\")"),
    Fact(date: day(2017, 11, 7), what: .issue(.reliever, dispensed: day(2017, 11, 8), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 11, 7), what: .issue(.preventer, dispensed: day(2017, 11, 8), idOnDispensing: true),
         paragraph: "12.15", invented: "date"),
    Fact(date: day(2017, 11, 24), what: .plan(.childProtection, category: "neglect", end: nil),
         paragraph: "1.4", invented: ""),
  ]
}

extension PatientPlanner {
  /// Plants ``HakeemTimeline/facts`` moved so that the review's end date falls on `end`.
  mutating func plantHakeemTimeline(endingNear end: CalendarDate) {
    let shift = HakeemTimeline.endDate.days(to: end)
    let birthShift = HakeemTimeline.dateOfBirth.adding(days: shift).days(to: person.dateOfBirth)
    for fact in HakeemTimeline.facts {
      // Dates before the first plan follow the child's own birth; the rest follow the end date.
      let date = fact.date == HakeemTimeline.dateOfBirth ? person.dateOfBirth : fact.date.adding(days: shift)
      switch fact.what {
      case let .issue(caseProduct, dispensed, idOnDispensing):
        guard let product = catalogue.product(named: caseProduct.rawValue) else { continue }
        let id = issue(product, on: date, devices: 1, type: caseProduct == .preventer ? "repeat" : "acute", collection: .notCollected, alwaysWithID: true)
        if let dispensed {
          dispense(product, on: dispensed.adding(days: shift), at: person.pharmacyCode, prescriptionID: idOnDispensing ? id : nil, type: .nhsPrescription)
        }
      case let .pharmacySupply(caseProduct, type):
        guard let product = catalogue.product(named: caseProduct.rawValue) else { continue }
        dispense(product, on: date, at: person.pharmacyCode, type: type)
      case let .event(type, code, due):
        event(type, on: date, code: code, nextReviewDue: due?.adding(days: shift))
      case let .plan(type, category, end):
        let planEnd = end.map { fact.date == HakeemTimeline.dateOfBirth ? $0.adding(days: shift + birthShift) : $0.adding(days: shift) }
        plan(type, category: category, from: date, to: planEnd)
      }
    }
  }
}
