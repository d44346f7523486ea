import RoleHopCore

#if canImport(Glibc)
import Glibc
#endif

/// `rolehop sigv4`: signs a raw HTTP request and shows every stage of the signature.
struct SigV4Command {
    static let spec = CommandSpec(
        path: ["sigv4"],
        abstract: "Sign a raw HTTP request with SigV4 and show the canonical request, string to sign and signature.",
        discussion: "Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. With "
            + "--aws-error, the body of an AWS SignatureDoesNotMatch error is compared line by line with rolehop's "
            + "signature.",
        options: [
            .option("request", help: "File holding the raw HTTP/1.1 request (request line, headers, blank line, body)."),
            .option("region", help: "Region of the credential scope (us-east-1)."),
            .option("service", help: "Service of the credential scope (sts, iam, s3...)."),
            .option("date", help: "Signing time, YYYYMMDDTHHMMSSZ (default: now)."),
            .flag("no-normalize-path",
                  help: "Sign the path exactly as given (S3) instead of normalising and re-encoding it."),
            .flag("sign-body", help: "Add x-amz-content-sha256 with the body's hash."),
            .flag("presign", help: "Presign: put the signature in the query string."),
            .option("expires", .integer, help: "Validity of a presigned request in seconds (1-604800).",
                    default: "900"),
            .option("aws-error", help: "An AWS SignatureDoesNotMatch error body to compare against."),
            .output(),
            .option("bench", .integer, help: "", hidden: true),
        ])

    var request: String?
    var region: String?
    var service: String?
    var date: String?
    var noNormalizePath = false
    var signBody = false
    var presign = false
    var expires: Int = 900
    var awsError: String?
    var output: OutputFormat = .text
    var bench: Int?

    init(_ p: ParsedArguments) {
        request = p.string("request")
        region = p.string("region")
        service = p.string("service")
        date = p.string("date")
        noNormalizePath = p.flag("no-normalize-path")
        signBody = p.flag("sign-body")
        presign = p.flag("presign")
        expires = p.int("expires") ?? 900
        awsError = p.string("aws-error")
        output = p.choice("output", default: .text)
        bench = p.int("bench")
    }

    func run() throws {
        if let bench {
            let rate = SigV4Benchmark.measure(iterations: max(1, bench))
            print("rolehop sigv4: \(Int(rate.wall.rounded())) signatures/s wall, \(Int(rate.cpu.rounded())) per CPU-second "
                  + "(\(bench) iterations)")
            return
        }
        guard let request, let region, let service else {
            fail("--request, --region and --service are required")
        }
        let signingDate: Date
        if let date {
            guard let d = UTCTime.parseAmzDate(date) else { fail("--date must look like 20150830T123600Z, got `\(date)`") }
            signingDate = d
        } else {
            signingDate = Date()
        }
        if presign && !(1...604_800).contains(expires) { fail("--expires must be between 1 and 604800 seconds") }
        guard let credentials = SigV4Inspector.credentials(from: processEnvironment()) else {
            fail("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)")
        }
        let fs = LocalFileSystem()
        let bytes = readOrFail(fs, request)
        let awsBody = awsError.map { readOrFail(fs, $0) }
        let options = SigV4InspectOptions(region: region, service: service, date: signingDate,
                                          normalizePath: !noNormalizePath, signBody: signBody,
                                          presignExpires: presign ? expires : nil)
        let inspection: SigV4Inspection
        do {
            inspection = try SigV4Inspector.inspect(requestBytes: bytes, requestFile: request, options: options,
                                                    credentials: credentials, awsErrorBody: awsBody,
                                                    awsErrorFile: awsError ?? "")
        } catch {
            fail(error.description)
        }
        switch output {
        case .text: print(inspection.text, terminator: "")
        case .json: print(inspection.json.serialized(pretty: true))
        }
        if let c = inspection.awsComparison, !c.identical { throw ExitCode(1) }
    }

    private func readOrFail(_ fs: LocalFileSystem, _ path: String) -> [UInt8] {
        do {
            return try fs.read(path, limit: RawHTTPRequest.maxSize)
        } catch {
            fail("\(path): \(error)")
        }
    }
}

/// Prints `rolehop: message` to stderr and exits with 2 (unusable input).
private func fail(_ message: String) -> Never {
    printError("rolehop: \(message)")
    exit(2)
}
