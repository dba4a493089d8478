import PortolanCore

/// The certificate inventory as CSV (RFC 4180, header row, LF line ends): one row per host and certificate
/// considered for it, then one row per certificate that no host uses.
///
/// Columns: `host`, `covered` (`yes`/`no` for that certificate; `passthrough` or `plain-http` for hosts
/// that do not terminate TLS), `certificateId`, `origin`, `secret` (namespace/name), `names` (DNS names,
/// space-separated), `notAfter` (RFC 3339), `daysLeft` (negative when expired), `issuer`.
public enum CSVReport {
    public static let header = ["host", "covered", "certificateId", "origin", "secret", "names", "notAfter", "daysLeft", "issuer"]

    public static func render(_ e: Estate, options: ReportOptions) -> String {
        let facts = ReportFacts(e)
        let g = e.graph
        var out = CSV.row(header)
        var shown = Set<String>()
        func certFields(_ c: CertificateInfo) -> [String] {
            [CSV.field(c.id), CSV.field(c.origin.rawValue), CSV.field(c.secret?.description ?? ""),
             CSV.field(c.dnsNames.joined(separator: " ")), CSV.field(c.notAfter.map(UTCDate.rfc3339) ?? ""),
             CSV.number(facts.daysLeft(c)), CSV.field(c.issuer ?? "")]
        }
        for h in g.hosts {
            switch h.tls {
            case .passthrough, .none:
                out += CSV.row([CSV.field(h.name), h.tls == .passthrough ? "passthrough" : "plain-http", "", "", "", "", "", "", ""])
                continue
            case .covered, .uncovered:
                break
            }
            var rows: [(String, [String])] = []
            var seen = Set<String>()
            for c in h.candidates {
                let key = (c.certificate ?? "") + "|" + (c.secret?.description ?? "")
                guard seen.insert(key).inserted else { continue }
                let covers = c.covers || (c.certificate.map { h.certificates.contains($0) } ?? false)
                if let id = c.certificate, let cert = g.certificate(id) {
                    shown.insert(id)
                    rows.append((id, [CSV.field(h.name), covers ? "yes" : "no"] + certFields(cert)))
                } else {
                    rows.append(((c.certificate ?? "~") + key, [CSV.field(h.name), covers ? "yes" : "no", CSV.field(c.certificate ?? ""), "",
                                                                CSV.field(c.secret?.description ?? ""), "", "", "", ""]))
                }
            }
            if rows.isEmpty { rows.append(("", [CSV.field(h.name), "no", "", "", "", "", "", "", ""])) }
            for r in rows.sorted(by: { $0.0 < $1.0 }) { out += CSV.row(r.1) }
        }
        for c in g.certificates where !shown.contains(c.id) {
            out += CSV.row(["", ""] + certFields(c))
        }
        return out
    }
}
