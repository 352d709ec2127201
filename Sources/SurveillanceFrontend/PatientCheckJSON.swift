import SurveillanceCore

/// The patient check for scripts (`--json`): the same facts as the text, one JSON object.
public enum PatientCheckJSON {
  public static func render(_ check: PatientCheck) -> String {
    var json = JSONText()
    json.beginObject()
    json.string("nhs_number", check.nhsNumber.description)
    json.string("as_of", check.asOf.description)
    switch check.source {
    case .store(let started):
      json.string("source", "store")
      json.string("run_started_at", started)
    case .exports:
      json.string("source", "exports")
      json.raw("run_started_at", "null")
    }
    json.bool("record_found", check.record != nil)
    json.beginArray("warnings")
    for warning in check.warnings { json.string(nil, warning) }
    json.endArray()
    if let rejected = check.rejectedRows {
      json.beginObject("rejected_rows")
      json.int("in_exports", rejected.inFiles)
      json.int("rows_read", rejected.rowsRead)
      json.int("for_this_child", rejected.forThisChild)
      json.endObject()
    }
    if let record = check.record {
      let highest = record.signals.map(\.severity).max()
      json.int("age_years", record.ageYears)
      json.string("traffic_light", record.trafficLight.rawValue)
      json.string("highest_severity", highest?.rawValue)
      json.string("advice", TrafficLight.advice(for: highest))
      json.beginArray("signals")
      for signal in record.signals {
        json.beginObject()
        json.string("signal", signal.ruleID)
        json.string("title", signal.title)
        json.string("severity", signal.severity.rawValue)
        json.string("reason", signal.reason)
        json.string("recommended_action", signal.recommendedAction)
        if let history = check.signalHistory {
          let seen = history.sightings[signal.ruleID]
          json.date("first_seen", seen?.sighting.firstSeen)
          json.string("status", seen?.status.rawValue)
          json.beginArray("reviews")
          for review in history.reviews(of: signal.ruleID) {
            json.beginObject()
            json.string("outcome", review.outcome)
            json.string("reviewed_at", review.reviewedAt)
            json.date("until", review.until)
            json.endObject()
          }
          json.endArray()
        }
        json.endObject()
      }
      json.endArray()
      json.beginArray("months")
      for month in record.months {
        json.beginObject()
        json.string("month", String(month.month.description.prefix(7)))
        json.int("relievers", month.relieverDevices)
        json.int("preventers", month.preventerDevices)
        json.int("nebules", month.nebuleIssues)
        json.int("emergency_supplies", month.emergencySupplies)
        json.int("attacks", month.attacks)
        json.endObject()
      }
      json.endArray()
      json.beginObject("action_plan")
      json.string("state", record.actionPlan.state.rawValue)
      json.string("last_plan", record.actionPlan.lastPlanDate?.description)
      json.string("review_due", record.actionPlan.reviewDue?.description)
      json.endObject()
      if let use = record.icsFormoterol {
        json.beginObject("ics_formoterol")
        json.int("devices_12m", use.devices12m)
        json.number("inhalations_per_day_3m", (use.inhalationsPerDay3m * 100).rounded(.down) / 100)
        json.int("separate_relievers_12m", use.separateRelievers12m)
        json.endObject()
      }
      json.beginArray("unclassified_supplies")
      for supply in record.unclassifiedSupplies {
        json.beginObject()
        json.string("date", supply.date.description)
        json.string("product", supply.product)
        json.endObject()
      }
      json.endArray()
      json.bool("safeguarding_context", record.safeguardingPlanActive)
      json.string("safeguarding_advice", record.safeguardingPlanActive ? "contact the practice safeguarding lead" : nil)
    }
    json.endObject()
    return json.text + "\n"
  }
}
