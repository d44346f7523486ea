import RoleHopCore
import Testing

/// One row: a `Condition` block, the request's keys, and the result the IAM documentation's rules give.
/// Case names cite the documentation page the rule comes from.
struct ConditionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let condition: String
    let keys: [String: [String]]
    let expected: Bool
    var version = "2012-10-17"
    var testDescription: String { name }
}

private let ops = "reference_policies_elements_condition_operators"
private let multi = "reference_policies_condition-single-vs-multi-valued-context-keys"
private let cond = "reference_policies_elements_condition"
private let vars = "reference_policies_variables"
/// rolehop's own choice where the documentation is silent (docs/policy.md, "Decisions").
private let rh = "rolehop docs/policy.md"

private func c(_ name: String, _ condition: String, _ keys: [String: [String]], _ expected: Bool,
               version: String = "2012-10-17") -> ConditionCase {
    ConditionCase(name: name, condition: condition, keys: keys, expected: expected, version: version)
}

let conditionCases: [ConditionCase] = [
    // String operators
    c("\(ops): StringEquals exact match", #"{"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}"#, ["aws:PrincipalTag/job-category": ["iamuser-admin"]], true),
    c("\(ops): StringEquals is case-sensitive", #"{"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}"#, ["aws:PrincipalTag/job-category": ["IAMUser-Admin"]], false),
    c("\(ops): StringEquals treats * literally", #"{"StringEquals": {"k:sub": "system:serviceaccount:default:*"}}"#, ["k:sub": ["system:serviceaccount:default:app"]], false),
    c("\(ops): StringEquals matches a literal *", #"{"StringEquals": {"k:sub": "a*"}}"#, ["k:sub": ["a*"]], true),
    c("\(ops): StringNotEquals with another value", #"{"StringNotEquals": {"aws:PrincipalTag/dept": "hr"}}"#, ["aws:PrincipalTag/dept": ["eng"]], true),
    c("\(ops): StringNotEquals with the same value", #"{"StringNotEquals": {"aws:PrincipalTag/dept": "hr"}}"#, ["aws:PrincipalTag/dept": ["hr"]], false),
    c("\(ops): negated operator on an absent key is true", #"{"StringNotEquals": {"aws:PrincipalTag/dept": "hr"}}"#, [:], true),
    c("\(ops): StringEquals on an absent key is false", #"{"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}"#, [:], false),
    c("\(ops): StringEqualsIgnoreCase ignores case", #"{"StringEqualsIgnoreCase": {"aws:PrincipalTag/role": "Admin"}}"#, ["aws:PrincipalTag/role": ["ADMIN"]], true),
    c("\(ops): StringEqualsIgnoreCase different value", #"{"StringEqualsIgnoreCase": {"aws:PrincipalTag/role": "Admin"}}"#, ["aws:PrincipalTag/role": ["Admins"]], false),
    c("\(ops): StringNotEqualsIgnoreCase same value other case", #"{"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/role": "Admin"}}"#, ["aws:PrincipalTag/role": ["admin"]], false),
    c("\(ops): StringNotEqualsIgnoreCase other value", #"{"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/role": "Admin"}}"#, ["aws:PrincipalTag/role": ["dev"]], true),
    c("\(ops): StringLike with * matches a prefix", #"{"StringLike": {"s3:prefix": "home/*"}}"#, ["s3:prefix": ["home/alice/x"]], true),
    c("\(ops): StringLike with ? matches one character", #"{"StringLike": {"s3:prefix": "a?c"}}"#, ["s3:prefix": ["abc"]], true),
    c("\(ops): StringLike with ? does not match two characters", #"{"StringLike": {"s3:prefix": "a?c"}}"#, ["s3:prefix": ["abbc"]], false),
    c("\(ops): StringLike with ? does not match zero characters", #"{"StringLike": {"s3:prefix": "a?c"}}"#, ["s3:prefix": ["ac"]], false),
    c("\(ops): StringLike is case-sensitive", #"{"StringLike": {"s3:prefix": "Home/*"}}"#, ["s3:prefix": ["home/x"]], false),
    c("\(ops): StringLike * matches the empty string", #"{"StringLike": {"s3:prefix": "abc*"}}"#, ["s3:prefix": ["abc"]], true),
    c("\(ops): StringLike with several *", #"{"StringLike": {"k:sub": "*:prod:*"}}"#, ["k:sub": ["system:serviceaccount:prod:app"]], true),
    c("\(ops): StringLike without wildcard is exact", #"{"StringLike": {"s3:prefix": "abc"}}"#, ["s3:prefix": ["abcd"]], false),
    c("\(ops): StringNotLike on a matching value", #"{"StringNotLike": {"s3:prefix": "home/*"}}"#, ["s3:prefix": ["home/a"]], false),
    c("\(ops): StringNotLike on another value", #"{"StringNotLike": {"s3:prefix": "home/*"}}"#, ["s3:prefix": ["tmp/a"]], true),
    c("\(ops): StringNotLike on an absent key is true", #"{"StringNotLike": {"s3:prefix": "home/*"}}"#, [:], true),
    c("\(ops): StringLike on an absent key is false", #"{"StringLike": {"s3:prefix": "*"}}"#, [:], false),
    c("\(ops): StringLike ? matches one multi-byte character", #"{"StringLike": {"k:v": "caf?"}}"#, ["k:v": ["café"]], true),
    c("\(ops): StringLike * matches an empty value", #"{"StringLike": {"k:v": "*"}}"#, ["k:v": [""]], true),
    c("\(ops): StringEquals with an empty policy value", #"{"StringEquals": {"k:v": ""}}"#, ["k:v": [""]], true),
    c("\(ops): StringLike backtracks over repeated text", #"{"StringLike": {"k:v": "*ab*ab"}}"#, ["k:v": ["xabyabab"]], true),
    c("\(ops): StringLike trailing text must match", #"{"StringLike": {"k:v": "*.json"}}"#, ["k:v": ["a.json.bak"]], false),
    // Condition element logic
    c("\(cond): several values of one key are ORed (match)", #"{"StringEquals": {"aws:PrincipalTag/dept": ["a", "b"]}}"#, ["aws:PrincipalTag/dept": ["b"]], true),
    c("\(cond): several values of one key are ORed (no match)", #"{"StringEquals": {"aws:PrincipalTag/dept": ["a", "b"]}}"#, ["aws:PrincipalTag/dept": ["c"]], false),
    c("\(cond): negated operator values are NORed (one matches)", #"{"StringNotEquals": {"aws:PrincipalTag/dept": ["a", "b"]}}"#, ["aws:PrincipalTag/dept": ["b"]], false),
    c("\(cond): negated operator values are NORed (none matches)", #"{"StringNotEquals": {"aws:PrincipalTag/dept": ["a", "b"]}}"#, ["aws:PrincipalTag/dept": ["c"]], true),
    c("\(cond): keys under one operator are ANDed (both hold)", #"{"StringEquals": {"k:a": "1", "k:b": "2"}}"#, ["k:a": ["1"], "k:b": ["2"]], true),
    c("\(cond): keys under one operator are ANDed (one fails)", #"{"StringEquals": {"k:a": "1", "k:b": "2"}}"#, ["k:a": ["1"], "k:b": ["3"]], false),
    c("\(cond): operators are ANDed (both hold)", #"{"StringEquals": {"k:a": "1"}, "StringLike": {"k:b": "x*"}}"#, ["k:a": ["1"], "k:b": ["xyz"]], true),
    c("\(cond): operators are ANDed (one fails)", #"{"StringEquals": {"k:a": "1"}, "StringLike": {"k:b": "x*"}}"#, ["k:a": ["1"], "k:b": ["yz"]], false),
    c("\(cond): condition key names are case-insensitive", #"{"StringEquals": {"AWS:PrincipalTag/Dept": "eng"}}"#, ["aws:principaltag/dept": ["eng"]], true),
    c("\(cond): an empty Condition block always holds", #"{}"#, [:], true),
    // IfExists
    c("\(ops): StringEqualsIfExists on an absent key is true", #"{"StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}"#, [:], true),
    c("\(ops): StringEqualsIfExists on a present, different value", #"{"StringEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}"#, ["ec2:InstanceType": ["m5.large"]], false),
    c("\(ops): StringEqualsIfExists on a present, equal value", #"{"StringEqualsIfExists": {"ec2:InstanceType": ["t2.micro", "t2.small"]}}"#, ["ec2:InstanceType": ["t2.small"]], true),
    c("\(ops): StringLikeIfExists on an absent key is true", #"{"StringLikeIfExists": {"ec2:InstanceType": "t2.*"}}"#, [:], true),
    c("\(ops): StringNotEqualsIfExists on an absent key is true", #"{"StringNotEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}"#, [:], true),
    c("\(ops): StringNotEqualsIfExists on the excluded value", #"{"StringNotEqualsIfExists": {"ec2:InstanceType": "t2.micro"}}"#, ["ec2:InstanceType": ["t2.micro"]], false),
    // Numeric
    c("\(ops): NumericEquals equal", #"{"NumericEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10"]], true),
    c("\(ops): NumericEquals compares numbers, not text", #"{"NumericEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10.0"]], true),
    c("\(ops): NumericEquals different", #"{"NumericEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["11"]], false),
    c("\(ops): NumericNotEquals different", #"{"NumericNotEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["11"]], true),
    c("\(ops): NumericNotEquals equal", #"{"NumericNotEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10"]], false),
    c("\(ops): NumericLessThan smaller", #"{"NumericLessThan": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["9"]], true),
    c("\(ops): NumericLessThan equal", #"{"NumericLessThan": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10"]], false),
    c("\(ops): NumericLessThanEquals equal", #"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10"]], true),
    c("\(ops): NumericLessThanEquals larger", #"{"NumericLessThanEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["11"]], false),
    c("\(ops): NumericGreaterThan larger", #"{"NumericGreaterThan": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["11"]], true),
    c("\(ops): NumericGreaterThan equal", #"{"NumericGreaterThan": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10"]], false),
    c("\(ops): NumericGreaterThanEquals equal", #"{"NumericGreaterThanEquals": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["10"]], true),
    c("\(ops): NumericLessThan with a non-numeric request value", #"{"NumericLessThan": {"s3:max-keys": "10"}}"#, ["s3:max-keys": ["ten"]], false),
    c("\(ops): NumericLessThan on an absent key", #"{"NumericLessThan": {"s3:max-keys": "10"}}"#, [:], false),
    c("\(ops): NumericNotEquals on an absent key", #"{"NumericNotEquals": {"s3:max-keys": "10"}}"#, [:], true),
    c("\(ops): NumericLessThanIfExists on an absent key", #"{"NumericLessThanIfExists": {"s3:max-keys": "10"}}"#, [:], true),
    c("\(ops): Numeric policy value as a JSON number", #"{"NumericLessThanEquals": {"s3:max-keys": 10}}"#, ["s3:max-keys": ["10"]], true),
    c("\(ops): NumericGreaterThan with negative numbers", #"{"NumericGreaterThan": {"k:n": "-5"}}"#, ["k:n": ["-4"]], true),
    c("\(ops): NumericEquals several values are ORed", #"{"NumericEquals": {"k:n": ["1", "2"]}}"#, ["k:n": ["2"]], true),
    c("\(ops): NumericLessThan with decimals", #"{"NumericLessThan": {"k:n": "1.5"}}"#, ["k:n": ["1.25"]], true),
    // Date
    c("\(ops): DateLessThan earlier", #"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2025-12-31T23:59:59Z"]], true),
    c("\(ops): DateLessThan same instant", #"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-01-01T00:00:00Z"]], false),
    c("\(ops): DateLessThanEquals same instant", #"{"DateLessThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-01-01T00:00:00Z"]], true),
    c("\(ops): DateGreaterThan later", #"{"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-01-01T00:00:01Z"]], true),
    c("\(ops): DateGreaterThanEquals same instant", #"{"DateGreaterThanEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-01-01T00:00:00Z"]], true),
    c("\(ops): DateEquals compares instants across offsets", #"{"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-01-01T01:00:00+01:00"]], true),
    c("\(ops): DateNotEquals different instants", #"{"DateNotEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["2026-01-02T00:00:00Z"]], true),
    c("\(ops): DateEquals with epoch seconds in the policy", #"{"DateEquals": {"aws:CurrentTime": "1767225600"}}"#, ["aws:CurrentTime": ["2026-01-01T00:00:00Z"]], true),
    c("\(ops): DateLessThan with a date-only policy value", #"{"DateLessThan": {"aws:CurrentTime": "2026-01-01"}}"#, ["aws:CurrentTime": ["2025-06-01T12:00:00Z"]], true),
    c("\(ops): DateGreaterThan on an absent key", #"{"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#, [:], false),
    c("\(ops): DateNotEquals on an absent key", #"{"DateNotEquals": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#, [:], true),
    c("\(ops): DateLessThanIfExists on an absent key", #"{"DateLessThanIfExists": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#, [:], true),
    c("\(ops): DateLessThan with an unparsable request value", #"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}"#, ["aws:CurrentTime": ["yesterday"]], false),
    c("\(ops): DateGreaterThan aws:TokenIssueTime older", #"{"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}"#, ["aws:TokenIssueTime": ["2020-01-01T00:00:00Z"]], false),
    c("\(ops): DateLessThan with fractional seconds", #"{"DateLessThan": {"aws:CurrentTime": "2026-01-01T00:00:00.500Z"}}"#, ["aws:CurrentTime": ["2026-01-01T00:00:00.250Z"]], true),
    // Bool
    c("\(ops): Bool true", #"{"Bool": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": ["true"]], true),
    c("\(ops): Bool true against false", #"{"Bool": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": ["false"]], false),
    c("\(rh): Bool values are case-insensitive", #"{"Bool": {"aws:SecureTransport": "True"}}"#, ["aws:SecureTransport": ["TRUE"]], true),
    c("\(ops): Bool false", #"{"Bool": {"aws:SecureTransport": "false"}}"#, ["aws:SecureTransport": ["false"]], true),
    c("\(ops): Bool on an absent key is false", #"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#, [:], false),
    c("\(ops): BoolIfExists on an absent key is true", #"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}"#, [:], true),
    c("\(ops): Bool false on an absent key is false", #"{"Bool": {"aws:MultiFactorAuthPresent": "false"}}"#, [:], false),
    c("\(ops): Bool with a JSON boolean", #"{"Bool": {"aws:SecureTransport": true}}"#, ["aws:SecureTransport": ["true"]], true),
    c("\(ops): Bool with a non-boolean request value", #"{"Bool": {"aws:SecureTransport": "true"}}"#, ["aws:SecureTransport": ["yes"]], false),
    // Binary
    c("\(ops): BinaryEquals same bytes", #"{"BinaryEquals": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, ["k:bin": ["QmluYXJ5VmFsdWVJbkJhc2U2NA=="]], true),
    c("\(ops): BinaryEquals other bytes", #"{"BinaryEquals": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, ["k:bin": ["T3RoZXI="]], false),
    c("\(ops): BinaryEquals on an absent key", #"{"BinaryEquals": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, [:], false),
    c("\(ops): BinaryEqualsIfExists on an absent key", #"{"BinaryEqualsIfExists": {"k:bin": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"#, [:], true),
    // IP address
    c("\(ops): IpAddress inside a /24", #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, ["aws:SourceIp": ["203.0.113.5"]], true),
    c("\(ops): IpAddress outside a /24", #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, ["aws:SourceIp": ["203.0.114.5"]], false),
    c("\(ops): NotIpAddress outside the block", #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, ["aws:SourceIp": ["198.51.100.7"]], true),
    c("\(ops): NotIpAddress inside the block", #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, ["aws:SourceIp": ["203.0.113.200"]], false),
    c("\(ops): IpAddress single address without prefix", #"{"IpAddress": {"aws:SourceIp": "203.0.113.9"}}"#, ["aws:SourceIp": ["203.0.113.9"]], true),
    c("\(ops): IpAddress /32 against another address", #"{"IpAddress": {"aws:SourceIp": "203.0.113.9/32"}}"#, ["aws:SourceIp": ["203.0.113.10"]], false),
    c("\(ops): IpAddress IPv6 /64", #"{"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}"#, ["aws:SourceIp": ["2001:db8:1234:5678::1"]], true),
    c("\(ops): IpAddress IPv6 outside the /64", #"{"IpAddress": {"aws:SourceIp": "2001:DB8:1234:5678::/64"}}"#, ["aws:SourceIp": ["2001:db8:1234:5679::1"]], false),
    c("\(ops): IpAddress IPv4 block against an IPv6 address", #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, ["aws:SourceIp": ["2001:db8::1"]], false),
    c("\(ops): IpAddress several blocks are ORed", #"{"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}}"#, ["aws:SourceIp": ["203.0.113.1"]], true),
    c("\(ops): IpAddress /0 matches every IPv4 address", #"{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#, ["aws:SourceIp": ["198.51.100.1"]], true),
    c("\(ops): IpAddress on an absent key", #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, [:], false),
    c("\(ops): NotIpAddress on an absent key", #"{"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#, [:], true),
    c("\(ops): IpAddress /20 last address", #"{"IpAddress": {"aws:SourceIp": "10.0.16.0/20"}}"#, ["aws:SourceIp": ["10.0.31.255"]], true),
    c("\(ops): IpAddress /20 first address after", #"{"IpAddress": {"aws:SourceIp": "10.0.16.0/20"}}"#, ["aws:SourceIp": ["10.0.32.0"]], false),
    c("\(ops): IpAddress IPv6 with an embedded IPv4 tail", #"{"IpAddress": {"aws:SourceIp": "::ffff:192.0.2.0/120"}}"#, ["aws:SourceIp": ["::ffff:192.0.2.5"]], true),
    c("\(ops): IpAddress with a malformed request address", #"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#, ["aws:SourceIp": ["10.0.0"]], false),
    // ARN
    c("\(ops): ArnEquals exact", #"{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}}"#, ["aws:SourceArn": ["arn:aws:sns:us-east-1:123456789012:topic"]], true),
    c("\(ops): ArnLike wildcard in the resource part", #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/app"]], true),
    c("\(ops): ArnLike compares the service part", #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#, ["aws:PrincipalArn": ["arn:aws:sts::111122223333:role/app"]], false),
    c("\(ops): ArnLike wildcard in the account part", #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::444455556666:role/app"]], true),
    c("\(ops): ArnLike * in the last part spans slashes", #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/a/b"]], true),
    c("\(ops): ArnLike with a request value that is not an ARN", #"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}"#, ["aws:SourceArn": ["bucket"]], false),
    c("\(ops): ArnNotLike on a matching ARN", #"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/x"]], false),
    c("\(ops): ArnNotLike on another ARN", #"{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:user/x"]], true),
    c("\(ops): ArnNotEquals on an absent key", #"{"ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::b"}}"#, [:], true),
    c("\(ops): ArnLike on an absent key", #"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}}"#, [:], false),
    c("\(ops): ArnEquals accepts wildcards like ArnLike", #"{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:*:123456789012:topic"}}"#, ["aws:SourceArn": ["arn:aws:sns:us-west-2:123456789012:topic"]], true),
    c("\(ops): ArnLike with ?", #"{"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket-?"}}"#, ["aws:SourceArn": ["arn:aws:s3:::bucket-1"]], true),
    c("\(ops): ArnLike is case-sensitive", #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/App"}}"#, ["aws:PrincipalArn": ["arn:aws:iam::111122223333:role/app"]], false),
    c("\(ops): ArnLikeIfExists on an absent key", #"{"ArnLikeIfExists": {"aws:SourceArn": "arn:aws:s3:::b"}}"#, [:], true),
    c("\(ops): ArnLike matches each of the six parts on its own", #"{"ArnLike": {"aws:SourceArn": "arn:aws:*:us-east-1:123456789012:topic"}}"#, ["aws:SourceArn": ["arn:aws:sns:x:y:us-east-1:123456789012:topic"]], false),
    // Null
    c("\(ops): Null true with the key absent", #"{"Null": {"aws:TokenIssueTime": "true"}}"#, [:], true),
    c("\(ops): Null true with the key present", #"{"Null": {"aws:TokenIssueTime": "true"}}"#, ["aws:TokenIssueTime": ["2026-01-01T00:00:00Z"]], false),
    c("\(ops): Null false with the key present", #"{"Null": {"aws:TokenIssueTime": "false"}}"#, ["aws:TokenIssueTime": ["2026-01-01T00:00:00Z"]], true),
    c("\(ops): Null false with the key absent", #"{"Null": {"aws:TokenIssueTime": "false"}}"#, [:], false),
    c("\(ops): Null with a JSON boolean", #"{"Null": {"aws:TokenIssueTime": true}}"#, [:], true),
    // Set qualifiers with multi-valued keys
    c("\(multi): ForAllValues subset of the policy values", #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}}"#, ["aws:TagKeys": ["a", "b"]], true),
    c("\(multi): ForAllValues with a value outside the policy values", #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}}"#, ["aws:TagKeys": ["a", "d"]], false),
    c("\(multi): ForAllValues with the key absent is true", #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#, [:], true),
    c("\(multi): ForAllValues with an empty set is true", #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#, ["aws:TagKeys": []], true),
    c("\(multi): ForAnyValue with one common value", #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#, ["aws:TagKeys": ["x", "a"]], true),
    c("\(multi): ForAnyValue with no common value", #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}"#, ["aws:TagKeys": ["x", "y"]], false),
    c("\(multi): ForAnyValue with the key absent is false", #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}"#, [:], false),
    c("\(multi): ForAllValues:StringLike every value matches a pattern", #"{"ForAllValues:StringLike": {"aws:TagKeys": "Created*"}}"#, ["aws:TagKeys": ["CreatedBy", "CreatedAt"]], true),
    c("\(multi): ForAllValues:StringLike one value matches no pattern", #"{"ForAllValues:StringLike": {"aws:TagKeys": "Created*"}}"#, ["aws:TagKeys": ["CreatedBy", "Owner"]], false),
    c("\(multi): ForAnyValue:StringLike one value matches", #"{"ForAnyValue:StringLike": {"aws:TagKeys": "Cost*"}}"#, ["aws:TagKeys": ["CostCenter", "Owner"]], true),
    c("\(multi): ForAllValues:StringNotEquals no value is excluded", #"{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a"]}}"#, ["aws:TagKeys": ["b", "c"]], true),
    c("\(multi): ForAllValues:StringNotEquals one value is excluded", #"{"ForAllValues:StringNotEquals": {"aws:TagKeys": ["a"]}}"#, ["aws:TagKeys": ["a", "c"]], false),
    c("\(multi): ForAnyValue:StringNotEquals one value is not excluded", #"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}}"#, ["aws:TagKeys": ["a", "b"]], true),
    c("\(multi): ForAnyValue:StringNotEquals every value is excluded", #"{"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["a"]}}"#, ["aws:TagKeys": ["a"]], false),
    c("\(multi): ForAnyValue:StringEqualsIgnoreCase", #"{"ForAnyValue:StringEqualsIgnoreCase": {"aws:TagKeys": ["owner"]}}"#, ["aws:TagKeys": ["OWNER", "x"]], true),
    c("\(multi): ForAllValues with IfExists and the key absent", #"{"ForAllValues:StringEqualsIfExists": {"aws:TagKeys": ["a"]}}"#, [:], true),
    c("\(multi): ForAnyValue with IfExists and the key absent", #"{"ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]}}"#, [:], true),
    c("\(multi): ForAnyValue:NumericLessThan one value below", #"{"ForAnyValue:NumericLessThan": {"k:nums": "10"}}"#, ["k:nums": ["20", "5"]], true),
    c("\(multi): ForAllValues:NumericLessThan one value above", #"{"ForAllValues:NumericLessThan": {"k:nums": "10"}}"#, ["k:nums": ["20", "5"]], false),
    c("\(multi): ForAnyValue:IpAddress one address inside", #"{"ForAnyValue:IpAddress": {"k:ips": "10.0.0.0/8"}}"#, ["k:ips": ["192.0.2.1", "10.1.2.3"]], true),
    c("\(rh): operator and qualifier names match case-insensitively", #"{"forallvalues:stringequals": {"aws:TagKeys": ["a"]}}"#, ["aws:TagKeys": ["a"]], true),
    c("\(rh): a multi-valued key without qualifier matches when any value matches", #"{"StringEquals": {"k:aud": "sts.amazonaws.com"}}"#, ["k:aud": ["other", "sts.amazonaws.com"]], true),
    c("\(rh): a negated operator without qualifier fails when any value is excluded", #"{"StringNotEquals": {"k:aud": "bad"}}"#, ["k:aud": ["ok", "bad"]], false),
    // Policy variables
    c("\(vars): ${aws:username} in a StringLike value", #"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#, ["aws:username": ["alice"], "s3:prefix": ["home/alice/docs"]], true),
    c("\(vars): ${aws:username} of another user", #"{"StringLike": {"s3:prefix": "home/${aws:username}/*"}}"#, ["aws:username": ["bob"], "s3:prefix": ["home/alice/docs"]], false),
    c("\(vars): a variable absent from the request matches nothing", #"{"StringEquals": {"s3:prefix": "home/${aws:username}"}}"#, ["s3:prefix": ["home/"]], false),
    c("\(vars): a default value for a missing variable", #"{"StringEquals": {"k:team": "${aws:PrincipalTag/team, 'none'}"}}"#, ["k:team": ["none"]], true),
    c("\(vars): the variable wins over the default", #"{"StringEquals": {"k:team": "${aws:PrincipalTag/team, 'none'}"}}"#, ["aws:PrincipalTag/team": ["eng"], "k:team": ["eng"]], true),
    c("\(vars): StringEquals with a variable", #"{"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}"#, ["aws:PrincipalTag/team": ["eng"], "aws:ResourceTag/team": ["eng"]], true),
    c("\(vars): substituted text is not a wildcard", #"{"StringLike": {"s3:prefix": "home/${aws:username}"}}"#, ["aws:username": ["a*"], "s3:prefix": ["home/abc"]], false),
    c("\(vars): ${*} is a literal asterisk", #"{"StringLike": {"k:v": "a${*}"}}"#, ["k:v": ["a*"]], true),
    c("\(vars): ${*} does not act as a wildcard", #"{"StringLike": {"k:v": "a${*}"}}"#, ["k:v": ["abc"]], false),
    c("\(vars): ${?} is a literal question mark", #"{"StringLike": {"k:v": "a${?}"}}"#, ["k:v": ["a?"]], true),
    c("\(vars): ${$} is a literal dollar sign", #"{"StringEquals": {"k:v": "cost${$}"}}"#, ["k:v": ["cost$"]], true),
    c("\(vars): variable names are case-insensitive", #"{"StringEquals": {"k:v": "${AWS:USERNAME}"}}"#, ["aws:username": ["alice"], "k:v": ["alice"]], true),
    c("\(vars): version 2008-10-17 does not substitute variables", #"{"StringEquals": {"k:v": "${aws:username}"}}"#, ["aws:username": ["alice"], "k:v": ["${aws:username}"]], true, version: "2008-10-17"),
    c("\(vars): ArnLike with a variable", #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/${aws:username}"}}"#, ["aws:username": ["alice"], "aws:PrincipalArn": ["arn:aws:iam::111122223333:user/alice"]], true),
    c("\(vars): a multi-valued key is not a variable", #"{"StringEquals": {"k:v": "${aws:TagKeys}"}}"#, ["aws:TagKeys": ["a", "b"], "k:v": ["a"]], false),
    c("\(vars): StringNotEquals with a variable absent from the request", #"{"StringNotEquals": {"k:v": "${aws:username}"}}"#, ["k:v": ["x"]], true),
]

@Suite("Condition operators (table from the IAM documentation)")
struct ConditionOperatorTests {
    @Test("the table has at least 150 cases")
    func tableSize() { #expect(conditionCases.count + elementCases.count + evaluationCases.count >= 150) }

    @Test(arguments: conditionCases)
    func condition(_ k: ConditionCase) throws {
        let text = #"{"Version": ""# + k.version + #"", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": "#
            + k.condition + "}}"
        let doc = try PolicyDocument.parse(text, file: "case")
        var ctx = RequestContext(action: "s3:GetObject", resource: "arn:aws:s3:::bucket/key")
        for (key, v) in k.keys.sorted(by: { $0.key < $1.key }) { ctx.set(key, v) }
        let fast = PolicyEvaluator.decide(policies: [doc], context: ctx)
        #expect(fast == (k.expected ? .allowed : .implicitDeny))
        // The explained path must agree with the fast path, statement by statement.
        let explained = PolicyEvaluator.evaluate(policies: [doc], context: ctx)
        #expect(explained.decision == fast)
        #expect(explained.statements.first?.matched == k.expected)
    }
}
