/// Placeholder.
public enum SurveillanceCoreVersion { public static let value = "0" }
