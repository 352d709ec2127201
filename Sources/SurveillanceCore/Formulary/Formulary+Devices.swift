extension Formulary {
  /// Devices (inhalers, LTRA pack-equivalents) in one supply.
  ///
  /// A quantity with a unit is read in that unit: devices and packs as they are; doses, unit
  /// doses and tablets divided by the product's doses or units per device. A quantity with no
  /// unit (or in ml) above the definition's dose threshold is doses, the rule OpenPrescribing
  /// uses; at or below it, a count of devices. Division rounds up: 200 doses of a 200-dose
  /// inhaler is one device, 201 is two. Classes counted per supply (nebules, oral steroids,
  /// products outside the asthma picture) give 1 whatever the quantity.
  ///
  /// `nil` for a non-positive or non-finite quantity, and for doses of a product whose doses
  /// per device the formulary does not know.
  public func devices(quantity: Double, unit: QuantityUnit?, product: ProductClassification) -> Int? {
    guard quantity.isFinite, quantity > 0 else { return nil }
    let perDevice = product.dosesPerDevice ?? product.unitsPerDevice
    let method = classIndex[product.classID].map { classes[$0].count } ?? (perDevice == nil ? .supplies : .devices)
    if method == .supplies { return 1 }
    switch unit {
    case .device?, .pack?:
      return Self.wholeDevices(quantity)
    case .dose?, .unitDose?, .tablet?:
      guard let perDevice else { return nil }
      return Self.wholeDevices(quantity / Double(perDevice))
    case .ml?, nil:
      if quantity > doseThreshold, let perDevice { return Self.wholeDevices(quantity / Double(perDevice)) }
      return Self.wholeDevices(quantity)
    }
  }

  /// Rounds up to whole devices, forgiving the last bits of floating-point error
  /// (`2.4 / 1.2` is two devices, not three). `nil` beyond what an `Int` holds.
  static func wholeDevices(_ value: Double) -> Int? {
    guard value.isFinite, value > 0, value < Double(Int32.max) else { return nil }
    let nearest = value.rounded()
    if abs(value - nearest) <= value.ulp * 8 { return max(Int(nearest), 1) }
    return Int(value.rounded(.up))
  }
}
