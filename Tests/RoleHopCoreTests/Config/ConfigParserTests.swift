import RoleHopCore
import RoleHopTestSupport
import Testing

/// Parser cases from the cross-SDK shared-config rules (the SDKs' common parser test suite covers the same
/// ground): input files and the merged profiles they must give, or the finding that stops the parse.
struct ParseCase: Sendable, CustomTestStringConvertible {
    var name: String
    var config: String?
    var credentials: String? = nil
    /// profile -> key -> value, or nil when the parse must stop.
    var profiles: [String: [String: String]]?
    var error: String? = nil
    var testDescription: String { name }
}

let parseCases: [ParseCase] = [
    ParseCase(name: "empty file", config: "", profiles: [:]),
    ParseCase(name: "empty profile", config: "[profile foo]", profiles: ["foo": [:]]),
    ParseCase(name: "name characters", config: "[profile some-thing:long/the_one%only.foo@bar+]\n[profile foo!bar]",
              profiles: ["some-thing:long/the_one%only.foo@bar+": [:]]),
    ParseCase(name: "header without ]", config: "[profile foo", profiles: nil, error: "config.parse.section-unterminated"),
    ParseCase(name: "names trimmed", config: "[profile \tfoo \t]", profiles: ["foo": [:]]),
    ParseCase(name: "tab after profile", config: "[profile\tfoo]", profiles: ["foo": [:]]),
    ParseCase(name: "property outside section", config: "name = value", profiles: nil,
              error: "config.parse.property-outside-section"),
    ParseCase(name: "simple property", config: "[profile foo]\nname = value", profiles: ["foo": ["name": "value"]]),
    ParseCase(name: "CRLF", config: "[profile foo]\r\nname = value", profiles: ["foo": ["name": "value"]]),
    ParseCase(name: "equals in value", config: "[profile foo]\nname = val=ue", profiles: ["foo": ["name": "val=ue"]]),
    ParseCase(name: "unicode value", config: "[profile foo]\nname = 😂", profiles: ["foo": ["name": "😂"]]),
    ParseCase(name: "trimmed key and value", config: "[profile foo]\nname \t=  \tvalue \t",
              profiles: ["foo": ["name": "value"]]),
    ParseCase(name: "empty value", config: "[profile foo]\nname =", profiles: ["foo": ["name": ""]]),
    ParseCase(name: "empty key", config: "[profile foo]\n= value", profiles: nil, error: "config.parse.empty-key"),
    ParseCase(name: "colon delimiter refused", config: "[profile foo]\nkey : value", profiles: nil,
              error: "config.parse.missing-equals"),
    ParseCase(name: "blank lines", config: "\t \n[profile foo]\n\t\n \nname = value\n\t \n[profile bar]\n \t",
              profiles: ["foo": ["name": "value"], "bar": [:]]),
    ParseCase(name: "pound comments", config: "# Comment\n[profile foo] # Comment\nname = value # Comment with # sign",
              profiles: ["foo": ["name": "value"]]),
    ParseCase(name: "semicolon comments", config: "; Comment\n[profile foo] ; Comment\nname = value ; Comment with ; sign",
              profiles: ["foo": ["name": "value"]]),
    ParseCase(name: "empty comments", config: ";\n[profile foo];\nname = value ;\n", profiles: ["foo": ["name": "value"]]),
    ParseCase(name: "adjacent comment chars stay in values",
              config: "[profile foo]\nname = value; Adjacent semicolons\nname2 = value# Adjacent pound signs",
              profiles: ["foo": ["name": "value; Adjacent semicolons", "name2": "value# Adjacent pound signs"]]),
    // The comment is the first `#` or `;` after whitespace, whichever of the two characters comes first.
    ParseCase(name: "adjacent comment chars before a real comment",
              config: "[profile foo]\nname = a#b;c ;d #e\nname2 = a;b#c #d ;e\nname3 = #x ;y\nname4 = ;x",
              profiles: ["foo": ["name": "a#b;c", "name2": "a;b#c", "name3": "#x", "name4": ";x"]]),
    ParseCase(name: "continuation", config: "[profile foo]\nname = value\n -continued",
              profiles: ["foo": ["name": "value\n-continued"]]),
    ParseCase(name: "continuations trimmed, comments kept",
              config: "[profile foo]\nname = value\n \t -continued \t \n -more # Comment",
              profiles: ["foo": ["name": "value\n-continued\n-more # Comment"]]),
    ParseCase(name: "continuation outside profile", config: " -continued", profiles: nil,
              error: "config.parse.property-outside-section"),
    ParseCase(name: "continuation outside property", config: "[profile foo]\n -continued", profiles: nil,
              error: "config.parse.continuation-without-property"),
    ParseCase(name: "continuation reset by header", config: "[profile foo]\nname = value\n[profile foo]\n -continued",
              profiles: nil, error: "config.parse.continuation-without-property"),
    ParseCase(name: "duplicate sections merge", config: "[profile foo]\nname = value\n[profile foo]\nname2 = value2",
              profiles: ["foo": ["name": "value", "name2": "value2"]]),
    ParseCase(name: "duplicate keys: last wins", config: "[profile foo]\nname = value\nname = value2",
              profiles: ["foo": ["name": "value2"]]),
    ParseCase(name: "keys case-insensitive", config: "[profile foo]\nName = value\n[profile foo]\nname = value2",
              profiles: ["foo": ["name": "value2"]]),
    ParseCase(name: "profile default beats default (first)", config: "[profile default]\nname = value\n[default]\nname2 = value2",
              profiles: ["default": ["name": "value"]]),
    ParseCase(name: "profile default beats default (last)", config: "[default]\nname2 = value2\n[profile default]\nname = value",
              profiles: ["default": ["name": "value"]]),
    ParseCase(name: "invalid profile names ignored", config: "[profile in valid]\nname = value",
              credentials: "[in valid 2]\nname2 = value2", profiles: [:]),
    ParseCase(name: "invalid property names ignored", config: "[profile foo]\nin valid = value", profiles: ["foo": [:]]),
    ParseCase(name: "sub-properties", config: "[profile foo]\ns3 =\n name = value\n\t \n name2 = value2",
              profiles: ["foo": ["s3": "\nname = value\nname2 = value2"]]),
    ParseCase(name: "sub-property without =", config: "[profile foo]\ns3 =\n invalid", profiles: nil,
              error: "config.parse.subproperty-missing-equals"),
    ParseCase(name: "sub-property without name", config: "[profile foo]\ns3 =\n = value", profiles: nil,
              error: "config.parse.subproperty-empty-key"),
    ParseCase(name: "files merge", config: "[profile foo]\nname = value", credentials: "[foo]\nname2 = value2",
              profiles: ["foo": ["name": "value", "name2": "value2"]]),
    ParseCase(name: "credentials file wins", config: "[profile foo]\nname = value", credentials: "[foo]\nname = value2",
              profiles: ["foo": ["name": "value2"]]),
    ParseCase(name: "default merges with credentials",
              config: "[profile default]\nname = value\n[default]\nname2 = value2\n[profile default]\nname3 = value3",
              credentials: "[default]\nsecret=foo",
              profiles: ["default": ["name": "value", "name3": "value3", "secret": "foo"]]),
    ParseCase(name: "config section without prefix ignored", config: "[foo]\nname = value", profiles: [:]),
    ParseCase(name: "credentials section with prefix ignored", config: nil, credentials: "[profile foo]\nname = value",
              profiles: [:]),
    ParseCase(name: "profilefoo is not a profile", config: "[profilefoo]\nname = value\n[profile bar]", profiles: ["bar": [:]]),
    ParseCase(name: "whitespace inside brackets", config: "[   profile foo    ]\nname = value\n[profile bar]",
              profiles: ["foo": ["name": "value"], "bar": [:]]),
    ParseCase(name: "properties of an invalid profile ignored",
              config: "[profile foo]\nname = value\n[profile in valid]\nx = 1\n[profile bar]\nname = value2",
              profiles: ["foo": ["name": "value"], "bar": ["name": "value2"]]),
    ParseCase(name: "sso-session is not a profile", config: "[sso-session foo]\nname = value\n[profile bar]",
              profiles: ["bar": [:]]),
    ParseCase(name: "sso-sessionfoo in credentials is a profile", config: nil,
              credentials: "[sso-sessionfoo]\nname = value\n[bar]",
              profiles: ["sso-sessionfoo": ["name": "value"], "bar": [:]]),
    ParseCase(name: "byte order mark", config: "\u{FEFF}[profile foo]\nname = value", profiles: ["foo": ["name": "value"]]),
]

@Suite("Shared config parser")
struct ConfigParserTests {
    @Test("shared-config rules", arguments: parseCases)
    func rules(_ c: ParseCase) {
        let parsedConfig = c.config.map { ConfigParser.parse($0, path: "/c", kind: .config) }
        let parsedCreds = c.credentials.map { ConfigParser.parse($0, path: "/k", kind: .credentials) }
        let merged = SharedConfig.merge(config: parsedConfig, credentials: parsedCreds)
        if let want = c.profiles {
            #expect(merged.fatalError == nil)
            var got: [String: [String: String]] = [:]
            for (name, p) in merged.profiles { got[name] = p.properties.mapValues(\.value) }
            #expect(got == want)
        } else {
            #expect(merged.fatalError != nil)
            #expect(merged.findings.contains { $0.id == c.error && $0.severity == .fail })
        }
    }

    @Test("every value keeps file, line and column")
    func provenance() throws {
        let text = "# header\n[profile a]\nrole_arn   =  arn:aws:iam::111122223333:role/x\n\n  \n"
            + "s3 =\n    addressing_style = path\n"
        let f = ConfigParser.parse(text, path: "/home/u/.aws/config", kind: .config)
        let a = try #require(f.sections.first)
        #expect(a.source == .file(path: "/home/u/.aws/config", line: 2, column: 1))
        #expect(a.properties[0].source == .file(path: "/home/u/.aws/config", line: 3, column: 15))
        #expect(a.properties[1].subProperties.first?.source == .file(path: "/home/u/.aws/config", line: 7, column: 24))
        #expect(a.properties[1].subProperty("addressing_style")?.value == "path")
    }

    @Test("the error that stops the parse names file, line and column; sections before it are kept")
    func stopsWithPosition() throws {
        let f = ConfigParser.parse("[profile a]\nk = v\n\n[profile b]\nthis is not a property\n[profile c]\n",
                                   path: "/c", kind: .config)
        let e = try #require(f.error)
        #expect(e.description == "/c:5:1: Expected an '=' sign defining a property")
        #expect(f.sections.map(\.name) == ["a", "b"])
    }

    @Test("portability findings name the line and the SDK families", arguments: [
        ("[profile a]\nregion = eu-west-1 # west\n", "config.portability.inline-comment", 2),
        ("[profile a]\nregion : eu-west-1\n", "config.portability.colon-delimiter", 2),
        ("[profile a]\nk = 1\n[profile a]\nj = 2\n", "config.portability.duplicate-section", 3),
        ("[profile a]\nk = 1\nk = 2\n", "config.portability.duplicate-key", 3),
        ("[default]\nk = 1\n[profile default]\nj = 2\n", "config.portability.default-profile", 1),
        ("[ profile a]\nk = 1\n", "config.portability.header-whitespace", 1),
        ("[profile a]\nk = 1\n  # note\n", "config.portability.indented-comment", 3),
    ])
    func portability(text: String, id: String, line: Int) throws {
        let merged = SharedConfig.merge(config: ConfigParser.parse(text, path: "/c", kind: .config), credentials: nil)
        let f = try #require(merged.findings.first { $0.id == id })
        #expect(f.evidence.contains { if case let .file(_, l, _)? = $0.source { return Int(l) == line } else { return false } })
        let sdkNames = f.why + f.title
        #expect(sdkNames.contains("botocore"))
    }

    @Test("secrets are not copied into duplicate-key findings")
    func duplicateSecretMasked() {
        let merged = SharedConfig.merge(
            config: ConfigParser.parse("[profile a]\naws_secret_access_key = FAKESECRETONE\n", path: "/c", kind: .config),
            credentials: ConfigParser.parse("[a]\naws_secret_access_key = FAKESECRETTWO\n", path: "/k", kind: .credentials))
        let f = merged.findings.first { $0.id == "config.credentials-override" }
        #expect(f != nil)
        #expect(!(f?.evidence.contains { $0.value.contains("FAKESECRET") } ?? true))
    }

    @Test("file locations: flag, environment, HOME")
    func locations() {
        let env = Environment(["HOME": "/home/u/", "AWS_SHARED_CREDENTIALS_FILE": "~/creds"])
        let loc = ConfigLoader.locations(environment: env, configFileFlag: nil, credentialsFileFlag: nil)
        #expect(loc.config == Sourced("/home/u/.aws/config", from: .defaultValue("SDK default")))
        #expect(loc.credentials == Sourced("/home/u/creds", from: .environment("AWS_SHARED_CREDENTIALS_FILE")))
        let flagged = ConfigLoader.locations(environment: env, configFileFlag: "/etc/aws.conf")
        #expect(flagged.config == Sourced("/etc/aws.conf", from: .flag("--config-file")))
        let noHome = ConfigLoader.locations(environment: Environment())
        #expect(noHome.config == nil)
        #expect(noHome.findings.first?.id == "config.home-unset")
    }

    @Test("an unreadable file is a finding, a missing default file is not")
    func unreadable() {
        var fs = MemoryFileSystem()
        fs.add("/h/.aws/config", "[default]\nregion = x\n", readable: false)
        let config = ConfigLoader.load(fileSystem: fs, environment: Environment(["HOME": "/h"]))
        #expect(config.findings.map(\.id) == ["config.file-unreadable"])
        #expect(config.files.map(\.state) == [.unreadable, .missing])
    }
}
