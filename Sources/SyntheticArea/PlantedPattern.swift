/// The histories planted for children with asthma, and their shares.
///
/// Shares are per 100 children with asthma and sum to 100. They are chosen so that a sample of
/// a few hundred children holds several of each, not to match national prevalence. The
/// counts each pattern plants straddle the defaults in `rules/signals/` on purpose (a child just
/// below a threshold and one above it both appear); the generator itself judges nothing.
public enum PlantedPattern: String, Sendable, CaseIterable, Comparable {
  /// Regular preventer, few relievers, an annual review and a current action plan.
  case wellControlled = "well_controlled"
  /// 3 to 5 reliever devices in the last 12 months.
  case relieverThreeToFive = "reliever_3_to_5"
  /// 6 to 12 reliever devices in the last 12 months.
  case relieverSixToTwelve = "reliever_6_to_12"
  /// 13 to 20 reliever devices in the last 12 months.
  case relieverOverTwelve = "reliever_over_12"
  /// More reliever than preventer devices, with few relievers.
  case lowPreventerRatio = "low_preventer_ratio"
  /// Preventers issued monthly by the GP, most never dispensed.
  case preventerNotCollected = "preventer_not_collected"
  /// Salbutamol (sometimes budesonide) nebules issued by the GP.
  case nebulesFromGP = "nebules_from_gp"
  /// Relievers supplied by a pharmacy without a prescription (emergency or NHS 111 supply).
  case emergencySupply = "emergency_supply"
  /// Relievers handed out days before the GP issued the prescription.
  case suppliedBeforePrescription = "supplied_before_prescription"
  /// Relievers from three or four pharmacies in six months.
  case manyPharmacies = "many_pharmacies"
  /// Two to four oral prednisolone courses in 12 months, each after an attack with a review.
  case oralSteroidCourses = "oral_steroid_courses"
  /// Attacks (ED, admission, out of hours) each followed by a GP review the next weekday.
  case attackWithReview = "attack_with_review"
  /// Attacks with no GP review within two working days (a late review, or none).
  case attackWithoutReview = "attack_without_review"
  /// Two or three missed asthma appointments.
  case wasNotBrought = "was_not_brought"
  /// Maintenance and reliever therapy with ICS/formoterol inhalers, no SABA.
  case mart
  /// No asthma review for more than a year; the action plan's review date has passed.
  case noRecentReview = "no_recent_review"
  /// Relievers and never a preventer.
  case relieverWithoutPreventer = "reliever_without_preventer"
  /// A long-acting beta-2 agonist inhaler on its own.
  case labaAlone = "laba_alone"
  /// The pattern of the Hakeem review, moved to the months before the export date.
  case hakeemLike = "hakeem_like"

  /// Children with this pattern per 100 children with asthma.
  var share: Int {
    switch self {
    case .wellControlled: return 27
    case .relieverThreeToFive: return 9
    case .relieverSixToTwelve: return 6
    case .relieverOverTwelve: return 3
    case .lowPreventerRatio: return 6
    case .preventerNotCollected: return 6
    case .nebulesFromGP: return 3
    case .emergencySupply: return 4
    case .suppliedBeforePrescription: return 3
    case .manyPharmacies: return 3
    case .oralSteroidCourses: return 5
    case .attackWithReview: return 4
    case .attackWithoutReview: return 4
    case .wasNotBrought: return 3
    case .mart: return 6
    case .noRecentReview: return 4
    case .relieverWithoutPreventer: return 2
    case .labaAlone: return 1
    case .hakeemLike: return 1
    }
  }

  public static func < (lhs: PlantedPattern, rhs: PlantedPattern) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}

/// A safeguarding status planted on top of a child's pattern (DOMAIN.md section 2).
public enum PlantedSafeguarding: String, Sendable, CaseIterable, Comparable {
  case none
  /// A child in need plan started in the last year, still open.
  case childInNeed = "cin_active"
  /// A child protection plan, still open.
  case childProtection = "cpp_active"
  /// A child protection plan that ended in the last year.
  case childProtectionEndedRecently = "cpp_ended_within_12_months"
  /// A child protection plan that ended years ago.
  case childProtectionEndedLongAgo = "cpp_ended_years_ago"
  /// Looked after by the local authority.
  case lookedAfter = "lac_active"
  /// The plans of the Hakeem review's timeline (child protection, child in need).
  case caseTimeline = "case_timeline"

  /// Per 100 children with asthma.
  var shareWithAsthma: Int {
    switch self {
    case .none: return 88
    case .childInNeed: return 4
    case .childProtection: return 3
    case .childProtectionEndedRecently: return 2
    case .childProtectionEndedLongAgo: return 1
    case .lookedAfter: return 2
    case .caseTimeline: return 0
    }
  }

  /// Per 100 children without asthma (the local authority lists every child with a plan).
  var shareWithoutAsthma: Int {
    switch self {
    case .none: return 95
    case .childInNeed: return 2
    case .childProtection, .lookedAfter: return 1
    case .childProtectionEndedRecently: return 1
    case .childProtectionEndedLongAgo, .caseTimeline: return 0
    }
  }

  public static func < (lhs: PlantedSafeguarding, rhs: PlantedSafeguarding) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }
}
