import SurveillanceCore

/// Products that are not the asthma picture but fill most of an unfiltered export, and the
/// spacers, which dm+d lists as appliances with no BNF code in the codelists.
///
/// BNF presentation codes are real (NHS BSA BNF code list, as OpenPrescribing shows them);
/// they classify as `other`, so a run counts these rows as not asthma-related.
enum CommonProducts {
  /// Medicines adults are most often issued in England, and a few that children get.
  static let nonRespiratory: [ListedElsewhere] = [
    ListedElsewhere(bnfCode: "0407010H0AAAMAM", name: "Paracetamol 500mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0103050P0AAAAAA", name: "Omeprazole 20mg gastro-resistant capsules", expectedRole: .other),
    ListedElsewhere(bnfCode: "0601022B0AAABAB", name: "Metformin 500mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0601022B0AAADAD", name: "Metformin 850mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0212000B0AAAAAA", name: "Atorvastatin 10mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0212000B0AAABAB", name: "Atorvastatin 20mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0212000Y0AAADAD", name: "Simvastatin 40mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0206020A0AAAAAA", name: "Amlodipine 5mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0206020A0AAABAB", name: "Amlodipine 10mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0209000A0AAABAB", name: "Aspirin 75mg dispersible tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0202010B0AAABAB", name: "Bendroflumethiazide 2.5mg tablets", expectedRole: .other),
    ListedElsewhere(bnfCode: "0501013B0AAAAAA", name: "Amoxicillin 250mg capsules", expectedRole: .other),
    // A comma inside a name, as some systems print dm+d descriptions: exercises CSV quoting.
    ListedElsewhere(bnfCode: "0902021S0AAAXAX", name: "Sodium chloride 0.9%, solution for infusion 1litre bottles", expectedRole: .other),
  ]

  /// Names of the non-respiratory products children are given here.
  static let forChildren: Set<String> = ["Paracetamol 500mg tablets", "Amoxicillin 250mg capsules"]

  /// Names of the products issued once rather than on repeat.
  static let acute: Set<String> = [
    "Paracetamol 500mg tablets", "Amoxicillin 250mg capsules", "Sodium chloride 0.9%, solution for infusion 1litre bottles",
  ]

  /// Spacers, found by name (the formulary's `spacer_names`).
  static let spacers: [ListedElsewhere] = [
    ListedElsewhere(bnfCode: nil, name: "AeroChamber Plus Flow-Vu spacer with medium mask", expectedRole: .spacer),
    ListedElsewhere(bnfCode: nil, name: "Volumatic spacer", expectedRole: .spacer),
    ListedElsewhere(bnfCode: nil, name: "A2A Spacer", expectedRole: .spacer),
  ]
}
