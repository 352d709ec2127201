import SurveillanceCore
import Testing

@testable import SyntheticArea

/// The products the generator plants are the ones the shipped formulary puts in each role.
struct CatalogueTests {
  @Test(arguments: ProductUse.allCases)
  func everyPlantedUseHasProductsOfItsClass(use: ProductUse) throws {
    let catalogue = try Shipped.catalogue()
    var generator = SeededGenerator(seed: UInt64(use.rawValue))
    for _ in 0..<20 {
      #expect(catalogue.pick(use, using: &generator).classID == use.classID)
    }
  }

  @Test(arguments: MedicineRole.allCases.filter { $0 != .other && $0 != .unclassified })
  func productsOfEachRoleClassifyToThatRoleWithTheShippedFormulary(role: MedicineRole) throws {
    let formulary = try Shipped.rules().formulary
    let products = try Shipped.catalogue().products(in: role)
    #expect(!products.isEmpty, "no \(role.rawValue) products")
    for product in products {
      let full = formulary.classify(dmdCode: product.dmdCode, bnfCode: product.bnfCode, name: product.name)
      #expect(full?.role == role, "\(product.name) is \(full?.role.rawValue ?? "unknown")")
      if product.classifiesWithoutDMD {
        #expect(formulary.classify(dmdCode: nil, bnfCode: product.bnfCode, name: product.name)?.classID == product.classID, "\(product.name) without its dm+d code")
      }
      if product.classifiesByNameAlone {
        #expect(formulary.classify(dmdCode: nil, bnfCode: nil, name: product.name)?.classID == product.classID, "\(product.name) by name")
      }
    }
  }

  @Test func theCommonMedicinesAreValidProductsOutsideTheAsthmaPicture() throws {
    let formulary = try Shipped.rules().formulary
    let others = try Shipped.catalogue().nonRespiratory
    #expect(others.count == CommonProducts.nonRespiratory.count, "a common product no longer classifies as other")
    for product in others {
      #expect(formulary.classify(dmdCode: nil, bnfCode: product.bnfCode, name: product.name)?.role == .other)
    }
    #expect(others.contains { $0.name.contains(",") }, "no name exercises CSV quoting")
  }

  @Test func plantedQuantitiesReadBackAsThePlantedDevices() throws {
    let catalogue = try Shipped.catalogue()
    let formulary = try Shipped.rules().formulary
    var planner = PatientPlanner(
      person: Person(nhsNumber: "9990000018", dateOfBirth: CalendarDate(year: 2015, month: 1, day: 1)!, practiceCode: "Z10001", prescriberCode: "G9010001", pharmacyCode: "FZ101"),
      catalogue: catalogue, sites: Sites(patients: 10, series: 1), asOf: CalendarDate(year: 2026, month: 11, day: 21)!, generator: SeededGenerator(seed: 9))
    for product in catalogue.products where !product.countedPerSupply {
      for devices in 1...3 {
        let quantity = planner.quantity(of: product, devices: devices)
        let classification = try #require(formulary.classify(dmdCode: product.dmdCode, bnfCode: product.bnfCode, name: product.name))
        let read = formulary.devices(quantity: Double(quantity.text)!, unit: quantity.unit, product: classification)
        #expect(read == devices, "\(product.name): \(quantity.text) \(quantity.unit?.rawValue ?? "(no unit)") read as \(read.map(String.init) ?? "nothing")")
      }
    }
  }
}
