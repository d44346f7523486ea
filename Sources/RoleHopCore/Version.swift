/// rolehop's version, shown by `--version` and written into bundles.
public enum RoleHopVersion {
    public static let string = "0.1.0"
}
